"""Set up the stand-in identity provider from a JSON description and serve it until killed.

    python tests/oidc_provider/serve.py PORT SETUP.json

SETUP names the users (username, password, email, whether the provider verified the address) and the one
confidential client (id, secret, redirect URIs). The database and the RSA signing key are made anew.
"""

import json
import os
import sys
from pathlib import Path


def main() -> None:
    port, setup_file = sys.argv[1], Path(sys.argv[2])
    setup = json.loads(setup_file.read_text())
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    os.environ["PROVIDER_DB"] = str(setup_file.with_suffix(".sqlite3"))
    os.environ["PROVIDER_URL"] = f"http://127.0.0.1:{port}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("creatersakey")

    from django.contrib.auth.models import User
    from oidc_provider.models import Client, ResponseType

    for person in setup["users"]:
        User.objects.create_user(
            username=person["username"],
            password=person["password"],
            email=person.get("email", ""),
            first_name="verified" if person.get("email_verified") else "",
        )
    client = Client.objects.create(
        name="落实",
        client_type="confidential",
        client_id=setup["client_id"],
        client_secret=setup["client_secret"],
        jwt_alg="RS256",
        require_consent=True,
        reuse_consent=False,
        redirect_uris=setup["redirect_uris"],
        post_logout_redirect_uris=setup.get("post_logout_redirect_uris", []),
    )
    client.response_types.add(ResponseType.objects.get(value="code"))
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True, skip_checks=True)


if __name__ == "__main__":
    main()
