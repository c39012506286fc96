"""Units (单位) in a tree, and the people who work in them."""

from __future__ import annotations

from typing import ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PATH_STEP = 6  # digits per level of Unit.path: "000001.000004."


class UnitKind(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County or district")
    TOWNSHIP = "township", _("Township or subdistrict")
    DEPARTMENT = "department", _("Department")
    PARK = "park", _("Development park")
    TASK_FORCE = "task_force", _("Task force")
    ENTERPRISE = "enterprise", _("State enterprise")


class UnitCategory(models.TextChoices):
    """The 分级分类 a unit is ranked in: assessment compares a unit with the others of its category."""

    COUNTY = "county", _("County or district")
    DEPARTMENT = "department", _("City department")
    PARK = "park", _("Development park")
    ENTERPRISE = "enterprise", _("State enterprise")
    TOWNSHIP = "township", _("Township or subdistrict")
    OTHER = "other", _("Other")


# The category a new unit of a kind falls in unless told otherwise (the city and a task force: none).
CATEGORY_OF_KIND = {
    UnitKind.COUNTY: UnitCategory.COUNTY,
    UnitKind.DEPARTMENT: UnitCategory.DEPARTMENT,
    UnitKind.PARK: UnitCategory.PARK,
    UnitKind.ENTERPRISE: UnitCategory.ENTERPRISE,
    UnitKind.TOWNSHIP: UnitCategory.TOWNSHIP,
}


class UnitQuerySet(models.QuerySet["Unit"]):
    def active(self) -> UnitQuerySet:
        """Units still at work: what a picker offers. A deactivated unit keeps its tasks and history."""
        return self.filter(is_active=True)

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        return self.filter(path__startswith=unit.path)

    def in_tree_order(self) -> UnitQuerySet:
        return self.order_by("path")


class Unit(models.Model):
    """A 单位: the city, a county, a township, a department, a park or a 专班 (task force)."""

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    category = models.CharField(
        _("ranking category"), max_length=20, choices=UnitCategory.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    # Materialised path of zero-padded ids, so a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_name_unique_among_siblings"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="unit_root_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def contains(self, other: Unit) -> bool:
        """Whether `other` is this unit or below it."""
        return other.path.startswith(self.path)

    def ancestors(self) -> UnitQuerySet:
        prefixes = [self.path[: i * (PATH_STEP + 1)] for i in range(1, self.depth + 1)]
        return Unit.objects.filter(path__in=prefixes).in_tree_order()


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    LIAISON = "liaison", _("Liaison")
    UNIT_HEAD = "unit_head", _("Unit head")
    LEADER = "leader", _("Leader")


class User(AbstractUser):
    """A person. `unit` is where they work and the root of what they may see (DESIGN §1)."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    title = models.CharField(_("position"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.LIAISON)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("unit")
    )
    # Set by an administrator's reset (and for the first administrator): every page leads to the password
    # form until the person has chosen their own.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # Each session remembers the epoch it began in; "sign out everywhere" moves it on, ending them all.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="admin") | Q(unit__isnull=False), name="user_outside_admin_has_unit"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class SignInOutcome(models.TextChoices):
    SUCCEEDED = "succeeded", _("Signed in")
    FAILED = "failed", _("Wrong username or password")
    LOCKED_OUT = "locked_out", _("Locked out after too many failures")
    SSO_REFUSED = "sso_refused", _("Refused at single sign-on")


class SignInQuerySet(models.QuerySet["SignIn"]):
    def of(self, user: User) -> SignInQuerySet:
        """The person's sign-ins, and the failures under their username (they may have typed it wrong)."""
        return self.filter(Q(user=user) | Q(user__isnull=True, username=user.username)).order_by("-at", "-id")


class SignIn(models.Model):
    """One attempt to sign in, kept for the person's sign-in history."""

    at = models.DateTimeField(_("time"), db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="sign_ins", verbose_name=_("user")
    )
    username = models.CharField(_("username"), max_length=150, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=SignInOutcome.choices)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    objects = SignInQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")

    def __str__(self) -> str:
        return f"{self.username} {self.outcome}"

    @property
    def succeeded(self) -> bool:
        return self.outcome == SignInOutcome.SUCCEEDED


class UnitAlias(models.Model):
    """Another name a document uses for a unit (住建局 for 临江市住房和城乡建设局), matched on intake.

    Short names that follow a pattern are derived by rule (luoshi.orgs.aliases) and stored with source
    "rule"; an administrator adds the informal ones no rule gives. An alias names one unit.
    """

    class Source(models.TextChoices):
        RULE = "rule", _("By rule")
        ADMIN = "admin", _("Added by an administrator")

    alias = models.CharField(_("alias"), max_length=50)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("unit"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.ADMIN)

    audit_subject = "unit"

    class Meta:
        ordering = ["alias", "unit_id"]
        verbose_name = _("unit alias")
        verbose_name_plural = _("unit aliases")
        constraints = [models.UniqueConstraint(fields=["alias", "unit"], name="unit_alias_unique")]

    def __str__(self) -> str:
        return f"{self.alias} → {self.unit_id}"


class ExternalIdentity(models.Model):
    """A person's account at an identity provider (an OpenID Connect issuer and subject), for single sign-on.

    Signing in through the provider as this account signs in as the person. A link is made by an
    administrator, or at a first sign-in matched by a verified e-mail address or username when the
    settings allow it (LUOSHI_OIDC_MATCH); a person has at most one account per provider.
    """

    class Via(models.TextChoices):
        ADMIN = "admin", _("Linked by an administrator")
        EMAIL = "email", _("Matched by verified e-mail address")
        USERNAME = "username", _("Matched by username")

    audit_subject = "user"

    issuer = models.CharField(_("identity provider"), max_length=255)
    subject = models.CharField(_("account at the provider"), max_length=255)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="external_identities", verbose_name=_("person")
    )
    via = models.CharField(_("linked"), max_length=10, choices=Via.choices)
    linked_at = models.DateTimeField(_("linked at"))

    class Meta:
        verbose_name = _("single sign-on account")
        verbose_name_plural = _("single sign-on accounts")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="identity_unique_per_provider"),
            models.UniqueConstraint(fields=["issuer", "user"], name="identity_one_per_person_and_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"
