"""Uploading table scores as CSV: POST /api/v1/cascade/imports/.

The caller needs RUN_CASCADE_WORKSHOPS (and, for each partnership the file names, that permission
there: cascade.services.imports checks every row, reporting a partnership the caller cannot see as
unknown). The file comes as a multipart `file` field or as a `text/csv` body, at most
MAX_UPLOAD_BYTES. 201 with the report when imported; 400 with the report, errors by line, when
refused (nothing is written then); 413 when the file is too large.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.response import Response

from partnership.api.permissions import HasPermission
from partnership.api.schema import FORBIDDEN, UNAUTHENTICATED, UNSUPPORTED_MEDIA_TYPE
from partnership.roles import Permission

from ..services.imports import MAX_UPLOAD_BYTES, ImportReport, import_scores

#: room for the multipart boundaries and headers around the file itself
MULTIPART_OVERHEAD = 64 * 1024
TOO_LARGE = f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB: split it into smaller files."


class CsvParser(BaseParser):
    """A `text/csv` body, read as bytes (one byte more than the limit, to tell that it is too large)."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read(MAX_UPLOAD_BYTES + 1) if stream is not None else b""


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV, UTF-8: partnership,cohort,round,table,domain,score and optionally note, held_on."
    )


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(
        allow_null=True, help_text="The line of the file (1 is the header); null: about the whole file."
    )
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    imported = serializers.BooleanField(help_text="False when the file was refused: then nothing was written.")
    rows_read = serializers.IntegerField()
    scores_created = serializers.IntegerField()
    scores_updated = serializers.IntegerField()
    scores_unchanged = serializers.IntegerField()
    cohorts_created = serializers.IntegerField()
    workshops_created = serializers.IntegerField()
    tables_created = serializers.IntegerField()
    partnerships = serializers.ListField(child=serializers.CharField(), help_text="Slugs of the partnerships imported.")
    notices = serializers.ListField(child=serializers.CharField())
    error_count = serializers.IntegerField(help_text="All the problems found (at most 1,000 are listed).")
    errors = RowErrorSerializer(many=True)


def _refused(message: str, code=status.HTTP_400_BAD_REQUEST) -> Response:
    report = ImportReport()
    report.error(None, message)
    return Response(ImportReportSerializer(report).data, status=code)


EXAMPLE_REFUSED = {
    "imported": False,
    "rows_read": 14,
    "error_count": 1,
    "errors": [{"line": 9, "message": "Score must be 0, 1, 2 or 3, not “4”."}],
}


class ScoreImport(generics.GenericAPIView):
    """Import table scores from a CSV file, all or nothing: cohorts, workshops (on the current
    framework) and tables are created as needed; importing the same file again changes nothing."""

    permission_classes = [HasPermission(Permission.RUN_CASCADE_WORKSHOPS)]
    parser_classes = [MultiPartParser, CsvParser]
    serializer_class = ImportReportSerializer

    @extend_schema(
        operation_id="cascade_scores_import",
        summary="Import table scores from CSV",
        request={"multipart/form-data": ImportUploadSerializer, "text/csv": OpenApiTypes.BINARY},
        responses={
            201: ImportReportSerializer,
            400: ImportReportSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            413: ImportReportSerializer,
            415: UNSUPPORTED_MEDIA_TYPE,
        },
        examples=[OpenApiExample("Refused", value=EXAMPLE_REFUSED, response_only=True, status_codes=["400"])],
    )
    def post(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD:
            return _refused(TOO_LARGE, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        if isinstance(request.data, bytes):
            data = request.data
        else:
            upload = request.FILES.get("file")
            if upload is None:
                return _refused("Attach the CSV file as the form field “file” (or send it as a text/csv body).")
            if upload.size > MAX_UPLOAD_BYTES:
                return _refused(TOO_LARGE, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
            data = upload.read()
        if len(data) > MAX_UPLOAD_BYTES:
            return _refused(TOO_LARGE, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        report = import_scores(data, by=request.user, via="api")
        code = status.HTTP_201_CREATED if report.imported else status.HTTP_400_BAD_REQUEST
        return Response(ImportReportSerializer(report).data, status=code)
