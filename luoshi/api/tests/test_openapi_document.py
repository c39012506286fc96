"""The OpenAPI document is worked out once per address prefix and language; each caller gets its own copy."""

from __future__ import annotations

from django.utils import translation

from luoshi.api.endpoints import LuoshiAPI, api


def test_the_document_is_kept_per_prefix_and_language_and_handed_out_as_a_copy(monkeypatch):
    monkeypatch.setattr(LuoshiAPI, "_documents", {})
    built: list[str] = []
    work_out = LuoshiAPI._document

    def counted(self, path_prefix):
        built.append(path_prefix)
        return work_out(self, path_prefix)

    monkeypatch.setattr(LuoshiAPI, "_document", counted)
    with translation.override("en"):
        first = api.get_openapi_schema(path_prefix="/api/")
        first["paths"].clear()  # a caller's change stays in its copy
        again = api.get_openapi_schema(path_prefix="/api/")
        other = api.get_openapi_schema(path_prefix="")
    with translation.override("zh-hans"):
        chinese = api.get_openapi_schema(path_prefix="/api/")
    assert built == ["/api/", "", "/api/"]
    assert again["paths"] and all(path.startswith("/api/") for path in again["paths"])
    assert other["paths"] and not any(path.startswith("/api/") for path in other["paths"])
    assert chinese["paths"].keys() == again["paths"].keys()
    # What is served: the error answers declared as problem details, as before it was kept.
    answers = [
        a for ops in again["paths"].values() for op in ops.values() for s, a in op["responses"].items()
    ]
    assert any("application/problem+json" in a.get("content", {}) for a in answers)
    assert not any(
        int(s) >= 400 and "application/json" in a.get("content", {})
        for ops in again["paths"].values()
        for op in ops.values()
        for s, a in op["responses"].items()
    )
