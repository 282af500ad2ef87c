"""What counts as an email address people can be sent mail at (email-validator).

Syntax only (no DNS lookups at request time). Display names ("Ada <ada@x.io>"), quoted
local parts and domain literals are refused: an address is stored and mailed as typed.
The reserved `.test` names are accepted for demo and test organisations; other special-use
names (localhost, .local, .invalid, .onion, .arpa) are not.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field


def email_address(value: str) -> str:
    """The address, with its domain normalised (lower case, IDNA-checked); ValueError
    saying what is wrong otherwise."""
    # Imported on first use: about 20 ms that only requests carrying an email pay.
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(
            value,
            check_deliverability=False,
            allow_display_name=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
            test_environment=True,
        )
    except EmailNotValidError as error:
        raise ValueError(f"not a valid email address: {error}") from None
    return str(checked.normalized)


Email = Annotated[
    str, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(email_address)
]
