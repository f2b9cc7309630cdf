"""The OpenAPI document of ``/api/v1``, generated from the views, and a page to browse it
(Swagger UI, served from Agora's own static files: no CDN)."""

from flask import jsonify, render_template

from app.access import Audience, access
from app.api.blueprint import api, bp


@bp.get("/api/v1/openapi.json")
@access(Audience.ANONYMOUS)
def openapi_json():
    return jsonify(api.spec.to_dict())


@bp.get("/api/v1/docs")
@access(Audience.ANONYMOUS)
def docs():
    return render_template("api/docs.html", document=api.spec.to_dict())
