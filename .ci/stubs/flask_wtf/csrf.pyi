# Types for the part of flask_wtf.csrf that Roundtable uses (see __init__.pyi).

from flask_wtf import CSRFProtect as CSRFProtect
from werkzeug.exceptions import BadRequest

class CSRFError(BadRequest): ...

def generate_csrf(secret_key: str | None = None, token_key: str | None = None) -> str: ...
def validate_csrf(
    data: str | None,
    secret_key: str | None = None,
    time_limit: int | None = None,
    token_key: str | None = None,
) -> None: ...
