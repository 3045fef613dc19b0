"""The one error type services raise; views turn it into a form error or a message."""

from django.core.exceptions import PermissionDenied


class ApplicationError(Exception):
    def __init__(self, message: str, *, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}

    def add_to_form(self, form) -> None:
        """Show the error at its field when the form has it, else at the top of the form."""
        form.add_error(self.field if self.field in getattr(form, "fields", {}) else None, self.message)


class Refused(PermissionDenied):
    """A 403 whose reason the person may read (a translated sentence, never a detail of another account
    that the reader may not know)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
