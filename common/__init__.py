"""The shared library: helpers every app may use, importing no app of the project.

i18n messages stored as English with parameters, emails in the reader's language, PDFs,
money in integer cents, the read-only history admin, middleware and the request id.
"""
