"""Send notices on: e-mail to the people, and messages to the group robots of DingTalk, WeCom and Feishu.

The payload and signing functions are pure. `send_deliveries` does the sending and logs a Delivery per
target; one target failing never stops the others and never raises.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from django.conf import settings
from django.core import mail

from luoshi.core import clock
from luoshi.notify import egress
from luoshi.notify.models import Channel, Delivery, DeliveryStatus, Notice, Platform, WebhookEndpoint

ATTEMPTS = 2  # a robot that cannot be reached is tried once more; a refusal is not
ANSWER_MAX = 64 * 1024
WECOM_MAX_BYTES = 4096  # WeCom rejects longer markdown content
TEXT_MAX_BYTES = 18000  # DingTalk allows 20,000; Feishu a little more


def _clip(text: str, max_bytes: int) -> str:
    raw = text.encode("utf-8")
    if len(raw) <= max_bytes:
        return text
    return raw[: max_bytes - 3].decode("utf-8", errors="ignore") + "…"


def dingtalk_payload(title: str, text: str) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"title": title, "text": _clip(text, TEXT_MAX_BYTES)}}


def wecom_payload(title: str, text: str) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"content": _clip(text, WECOM_MAX_BYTES)}}


def feishu_payload(title: str, text: str) -> dict[str, Any]:
    return {"msg_type": "text", "content": {"text": _clip(text, TEXT_MAX_BYTES)}}


def sign_dingtalk_url(url: str, secret: str, now_ms: int) -> str:
    """The URL with DingTalk's 加签 parameters: HMAC-SHA256 keyed by the secret over "timestamp\\nsecret"."""
    digest = hmac.new(secret.encode(), f"{now_ms}\n{secret}".encode(), hashlib.sha256).digest()
    sign = quote_plus(base64.b64encode(digest).decode())
    return f"{url}{'&' if '?' in url else '?'}timestamp={now_ms}&sign={sign}"


def feishu_signature(secret: str, now_s: int) -> str:
    """Feishu's signature: HMAC-SHA256 keyed by "timestamp\\nsecret" over an empty message, in base64."""
    digest = hmac.new(f"{now_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def absolute_url(url: str) -> str:
    site = settings.SITE_URL.rstrip("/")
    return f"{site}{url}" if url.startswith("/") and site else url


@dataclass(frozen=True)
class Message:
    """What a robot posts: a title, a text and a link (a path on this site or an address)."""

    title: str
    body: str = ""
    url: str = ""

    @classmethod
    def of(cls, notice: Notice) -> Message:
        title, body = notice.words_for_the_office()
        return cls(title, body, notice.url)


def robot_request(endpoint: WebhookEndpoint, message: Message, now: float) -> tuple[str, dict[str, Any]]:
    """The address and JSON body that carry a message to a group robot."""
    title, body, link = message.title, message.body, absolute_url(message.url)
    url = endpoint.url
    if endpoint.platform == Platform.DINGTALK:
        heading = f"[{title}]({link})" if link else title
        payload = dingtalk_payload(title, f"#### {heading}\n\n{body}")
        if endpoint.secret:
            url = sign_dingtalk_url(url, endpoint.secret, int(now * 1000))
    elif endpoint.platform == Platform.WECOM:
        heading = f"[{title}]({link})" if link else title
        payload = wecom_payload(title, f"**{heading}**\n{body}")
    else:
        payload = feishu_payload(title, "\n".join(part for part in (title, body, link) if part))
        if endpoint.secret:
            now_s = int(now)
            payload = {"timestamp": str(now_s), "sign": feishu_signature(endpoint.secret, now_s), **payload}
    return url, payload


def platform_error(answer: bytes) -> str:
    """The robot's refusal in a 200 answer ({"errcode": 310000, …}, {"code": 19021, …}), or ""."""
    try:
        data = json.loads(answer)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    for code_key, message_key in (("errcode", "errmsg"), ("code", "msg"), ("StatusCode", "StatusMessage")):
        code = data.get(code_key)
        if code not in (None, 0, "0"):
            return f"{code_key} {code}: {data.get(message_key, '')}"
    return ""


class Refused(Exception):
    """The robot answered and said no, or the address may not be reached; trying again would not help."""


class Unavailable(Exception):
    """The robot's server failed (5xx); worth another try."""


def robot_rules() -> egress.Rules:
    """Where robots may be: https on the platforms' hosts and those named in LUOSHI_ROBOT_HOSTS, public
    addresses only. Tests that post to a local server replace this function; nothing else can."""
    return egress.Rules(hosts=egress.PLATFORM_HOSTS | frozenset(settings.ROBOT_HOSTS))


def post_json(url: str, payload: dict[str, Any]) -> None:
    """POST the payload; raise Refused (for good), Unavailable or OSError (worth another try)."""
    try:
        answer = egress.post(
            url,
            json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8"},
            rules=robot_rules(),
            timeout=settings.WEBHOOK_TIMEOUT,
            limit=ANSWER_MAX,
        )
    except egress.Blocked as exc:
        raise Refused(f"not sent: {exc}") from None
    if 300 <= answer.status < 400:
        raise Refused(f"HTTP {answer.status} {answer.reason}: redirect not followed")
    if answer.status >= 500:
        raise Unavailable(f"HTTP {answer.status} {answer.reason}")
    if answer.status >= 400:
        raise Refused(f"HTTP {answer.status} {answer.reason}")
    error = platform_error(answer.body)
    if error:
        raise Refused(error)


def post_to_robot(
    endpoint: WebhookEndpoint, message: Message, *, kind: str, notice: Notice | None
) -> Delivery:
    """Send one message to one robot, once more if it could not be reached, and log the Delivery."""
    delivery = Delivery(notice=notice, kind=kind, channel=Channel.WEBHOOK, target=str(endpoint.pk))
    while delivery.attempts < ATTEMPTS:
        delivery.attempts += 1
        # Signatures are fresh on every try.
        url, payload = robot_request(endpoint, message, clock.now().timestamp())
        try:
            post_json(url, payload)
        except Refused as exc:
            delivery.error = str(exc)
            break
        except Exception as exc:  # unreachable, timed out, 5xx, cut off: worth one more try
            delivery.error = f"{type(exc).__name__}: {exc}"
        else:
            delivery.status, delivery.error, delivery.sent_at = DeliveryStatus.SENT, "", clock.now()
            break
    delivery.status = delivery.status or DeliveryStatus.FAILED
    delivery.save()
    return delivery


def _email(notice: Notice, connection: Any) -> Delivery:
    address = notice.recipient.email
    delivery = Delivery(notice=notice, kind=notice.kind, channel=Channel.EMAIL, target=address, attempts=1)
    link = absolute_url(notice.url)
    title, body = notice.words_for_the_office()
    message = mail.EmailMessage(
        subject=" ".join(title.split()),
        body="\n\n".join(part for part in (body, link) if part),
        to=[address],
        connection=connection,
    )
    try:
        message.send()
    except Exception as exc:  # any SMTP or backend failure is this address's, not the others'
        delivery.status, delivery.error = DeliveryStatus.FAILED, f"{type(exc).__name__}: {exc}"
    else:
        delivery.status, delivery.sent_at = DeliveryStatus.SENT, clock.now()
    delivery.save()
    return delivery


def send_deliveries(*, notices: Sequence[Notice], endpoints: Sequence[WebhookEndpoint]) -> list[Delivery]:
    """E-mail each notice's recipient who has an address, and post the first notice to every robot."""
    deliveries = []
    people = [n for n in notices if n.recipient.email and n.recipient.is_active]
    if people:
        connection = mail.get_connection(fail_silently=False)
        # One SMTP session for all; if it cannot open, each send tries on its own and fails on its own.
        with contextlib.suppress(Exception):
            connection.open()
        deliveries += [_email(n, connection) for n in people]
        with contextlib.suppress(Exception):
            connection.close()
    if notices:
        first = notices[0]
        deliveries += [post_to_robot(e, Message.of(first), kind=first.kind, notice=first) for e in endpoints]
    return deliveries
