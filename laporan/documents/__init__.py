from .rules import document_kind as document_kind  # shim: removed at merge
