"""Limits on what enters through the web (issue 18): a body cap for every request and field caps for the API.

- :data:`MAX_BODY_BYTES`: every request body, API or form, declared (``Content-Length``) or streamed
  (chunked); past it the answer is 413 with the reason, before a route reads or writes anything.
- :class:`Body`: the base of every API request model. Unknown fields are refused (422 naming the field), not
  silently ignored, and no text field is longer than :data:`MAX_TEXT` characters.
- :data:`Id`, :data:`IdPath`: row ids fit a signed 64-bit integer (both engines' BIGINT); a larger number is
  a 422, not a 500 from the database driver.
- :data:`MAX_IDENTIFIERS`: identifiers per request (the register checks it too, for every caller).

Deeply nested JSON is refused by the error handler (``RecursionError`` → 422) in ``web.app``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from personvern.register.store import MAX_IDENTIFIERS

__all__ = ["MAX_BODY_BYTES", "MAX_ID", "MAX_IDENTIFIERS", "MAX_TEXT", "Body", "BodyLimit", "Id", "IdPath",
           "IdentifierMap",
           "Ref"]

MAX_BODY_BYTES = 1_000_000  # a policy file is < 30 kB, the largest JSON body a few kB
MAX_TEXT = 10_000  # characters in any one text field (a reason, a note, a description)
MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


def _few(identifiers: dict[str, Any]) -> dict[str, Any]:
    count = sum(1 if isinstance(v, str) else len(v) for v in identifiers.values())
    if count > MAX_IDENTIFIERS:
        raise ValueError(f"{count} identifiers at once; at most {MAX_IDENTIFIERS}")
    return identifiers


IdentifierMap = Annotated[dict[str, str | list[str]], AfterValidator(_few),
                          Field(description=f"kind → value(s): email, phone, national_id, ...; at most "
                                            f"{MAX_IDENTIFIERS} values")]
Ref = Annotated[str, Field(min_length=1, max_length=64, description="a subject's public ref (uuid)")]


class Body(BaseModel):
    """The base of API request bodies: unknown fields are an error and text is capped."""

    model_config = ConfigDict(extra="forbid", str_max_length=MAX_TEXT)


class BodyLimit:
    """ASGI middleware: 413 for a body past ``limit`` bytes, whether declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, send)
            return
        seen = 0

        async def counted() -> Message:
            # a streamed body is counted as it is read: the route's reader gets a 413 (an HTTPException
            # passes FastAPI's body parsing unchanged and reaches the one error handler)
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(413, detail=self.message)
            return message

        await self.app(scope, counted, send)

    @property
    def message(self) -> str:
        return f"request body larger than {self.limit:,} bytes"

    async def _refuse(self, scope: Scope, send: Send) -> None:
        from starlette.requests import Request

        from personvern.web.app import error_response

        response = error_response(Request(scope), 413, self.message, None, {"Connection": "close"})
        await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}
