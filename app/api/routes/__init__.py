"""The API's views: the health check, the document, and the JSON resources under ``/api/v1``.

The webhooks module comes last: the access-table test deletes its sample webhook there.
"""

from app.api.routes import (  # noqa: F401  (each module attaches its routes)
    account,
    agenda,
    agreements,
    document,
    editions,
    health,
    registrations,
    reviews,
    sessions,
    showcases,
    thinklabs,
    webhooks,
)
