"""The API's body parsers: DRF's, plus the checks of ``craftwork.core.jsoninput``.

Every API view parses with these (settings' ``DEFAULT_PARSER_CLASSES``, or by name in a
view's ``parser_classes``), so bodies nested too deep or carrying NUL characters answer 400
``parse_error`` / ``nul_character`` instead of failing later as a 500. (Urlencoded bodies are
checked for NUL earlier, by ``craftwork.core.middleware.NulCharacterMiddleware``.)
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from craftwork.core import jsoninput


def _refuse(error: jsoninput.UnsafeJSON) -> ParseError:
    return ParseError(error.message, code=error.code)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise _refuse(jsoninput.too_deep()) from exc
        try:
            jsoninput.check(data)
        except jsoninput.UnsafeJSON as exc:
            raise _refuse(exc) from exc
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        texts = [text for key, values in result.data.lists() for text in (key, *values)]
        if any("\x00" in text for text in (*texts, *result.files)):
            raise _refuse(jsoninput.nul_character())
        return result
