"""The messaging API. Every write calls the same services as the web pages and the socket;
a conversation, message or attachment of someone else is a 404."""

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.core.api.parsers import JSONParser, MultiPartParser
from craftwork.core.api.throttling import UserRateThrottle
from craftwork.core.files import private_file_response

from .. import contexts, selectors, services
from . import serializers as s

TAG = "messaging"


class MessageSendThrottle(UserRateThrottle):
    """Besides the service's own limit (30 messages a minute), the API refuses bursts of send
    requests, failed ones included. Rate: ``MESSAGING_SEND_THROTTLE`` (default 60/minute)."""

    scope = "messaging_send"

    def get_rate(self):
        return getattr(settings, "MESSAGING_SEND_THROTTLE", "60/minute")


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _detail(request, conversation, status_code=status.HTTP_200_OK):
    unread = selectors.unread_counts(request.user).get(conversation.pk, 0)
    data = s.ConversationDetailOutput(conversation, context={"unread_count": unread}).data
    return Response(data, status=status_code)


def _page_response(page, serializer_class=s.MessagePageOutput):
    return Response(
        serializer_class(
            {
                "results": page.messages,
                "has_older": page.has_older,
                "has_newer": page.has_newer,
                "older_cursor": page.older_cursor,
            }
        ).data
    )


@extend_schema(tags=[TAG])
class ConversationListApi(generics.ListAPIView):
    serializer_class = s.ConversationListOutput
    filter_backends: list = []

    @extend_schema(
        summary="My conversations, most recent activity first, with unread counts",
        parameters=[OpenApiParameter("unread", bool, description="Only those with unread.")],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        unread_only = self.request.query_params.get("unread") in ("1", "true")
        return selectors.inbox(self.request.user, unread_only=unread_only)

    @extend_schema(
        summary="Start (or open) the conversation about a job, proposal or contract",
        description=(
            "Returns the existing conversation (200) or a new one (201). A freelancer can "
            "start one about a job only with a proposal or an invitation on it (403 "
            "`cold_message`); a job's client writes to a freelancer with `with_user`. "
            "`team` (give any contract hired on the job) is the client with every freelancer "
            "hired on the job (409 `no_team` with fewer than two)."
        ),
        request=s.ConversationStartInput,
        responses={200: s.ConversationDetailOutput, 201: s.ConversationDetailOutput},
    )
    def post(self, request, *args, **kwargs):
        data = _valid(s.ConversationStartInput, request)
        obj = contexts.load(data["kind"], data["id"], request.user)
        with_user = contexts.load_user(data["with_user"]) if data.get("with_user") else None
        conversation, created = services.conversation_start(
            kind=data["kind"], obj=obj, actor=request.user, with_user=with_user
        )
        conversation = selectors.conversation_for_participant(request.user, conversation.pk)
        return _detail(request, conversation, status.HTTP_201_CREATED if created else 200)


@extend_schema(tags=[TAG])
class UnreadApi(APIView):
    @extend_schema(
        summary="Unread messages: the total and per conversation", responses=s.UnreadOutput
    )
    def get(self, request):
        counts = selectors.unread_counts(request.user)
        return Response(
            s.UnreadOutput(
                {
                    "total": sum(counts.values()),
                    "conversations": {str(pk): n for pk, n in counts.items()},
                }
            ).data
        )


@extend_schema(tags=[TAG])
class ConversationDetailApi(APIView):
    @extend_schema(
        summary="A conversation: context, participants with read pointers, read-only state",
        responses=s.ConversationDetailOutput,
    )
    def get(self, request, pk):
        return _detail(request, selectors.conversation_for_participant(request.user, pk))


@extend_schema(tags=[TAG])
class MessageListApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_throttles(self):
        if self.request.method == "POST":
            return [*super().get_throttles(), MessageSendThrottle()]
        return super().get_throttles()

    @extend_schema(
        summary="Messages, by cursor (sequence numbers)",
        description=(
            "Without parameters: the newest `limit` messages. `before=<seq>`: the page "
            "before it (load older: pass `older_cursor`). `after=<seq>`: what came after it "
            "(catch up after a reconnect). Results are oldest first."
        ),
        parameters=[
            OpenApiParameter("before", int, description="Only messages with a lower seq."),
            OpenApiParameter("after", int, description="Only messages with a higher seq."),
            OpenApiParameter("limit", int, description="1 to 100, default 30."),
        ],
        responses=s.MessagePageOutput,
    )
    def get(self, request, pk):
        conversation = selectors.conversation_for_participant(request.user, pk)
        params = request.query_params
        page = selectors.message_page(
            conversation,
            before=params.get("before"),
            after=params.get("after"),
            limit=params.get("limit"),
        )
        return _page_response(page)

    @extend_schema(
        summary="Send a message (markdown text and/or up to 5 files)",
        description=(
            'JSON `{"body"}` or multipart with `body` and `attachments` (PDFs or images, '
            "validated by content). At most 30 messages a minute per user (429 "
            "`rate_limited`); 409 `conversation_read_only` once the contract has ended."
        ),
        request={
            "application/json": s.MessageCreateInput,
            "multipart/form-data": s.MessageCreateInput,
        },
        responses={201: s.MessageOutput},
    )
    def post(self, request, pk):
        conversation = selectors.conversation_for_participant(request.user, pk)
        data = _valid(s.MessageCreateInput, request)
        message = services.message_send(
            conversation=conversation,
            actor=request.user,
            body=data.get("body", ""),
            files=data.get("attachments", []),
        )
        return Response(s.MessageOutput(message).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class MessageDetailApi(APIView):
    @extend_schema(
        summary="One message", responses=s.MessageOutput, operation_id="conversations_message_get"
    )
    def get(self, request, pk, message_pk):
        message = selectors.message_for_participant(request.user, pk, message_pk)
        return Response(s.MessageOutput(message).data)

    @extend_schema(
        summary="Edit my message (within 15 minutes of sending it)",
        description="403 `not_author` for someone else's message; 409 `edit_window_passed`.",
        request=s.MessageEditInput,
        responses=s.MessageOutput,
    )
    def patch(self, request, pk, message_pk):
        message = selectors.message_for_participant(request.user, pk, message_pk)
        data = _valid(s.MessageEditInput, request)
        message = services.message_edit(message=message, actor=request.user, body=data["body"])
        return Response(s.MessageOutput(message).data)

    @extend_schema(
        summary="Delete my message (it shows as deleted)",
        responses=s.MessageOutput,
    )
    def delete(self, request, pk, message_pk):
        message = selectors.message_for_participant(request.user, pk, message_pk)
        message = services.message_delete(message=message, actor=request.user)
        return Response(s.MessageOutput(message).data)


@extend_schema(tags=[TAG])
class AttachmentApi(APIView):
    @extend_schema(
        summary="Download an attachment (`?thumbnail=1`: an image's thumbnail)",
        parameters=[OpenApiParameter("thumbnail", bool)],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request, pk, message_pk, attachment_pk):
        attachment = selectors.attachment_for_participant(
            request.user, attachment_pk, conversation_pk=pk, message_pk=message_pk
        )
        return attachment_response(attachment, thumbnail=request.query_params.get("thumbnail"))


def attachment_response(attachment, *, thumbnail=None) -> FileResponse:
    """A download of the checked type; an image's thumbnail is a JPEG (``<img>`` shows it)."""
    if thumbnail in ("1", "true"):
        if not attachment.thumbnail:
            raise Http404(_("The file is missing."))
        return private_file_response(
            attachment.thumbnail, name=attachment.original_name, kind="jpg"
        )
    return private_file_response(
        attachment.file, name=attachment.original_name, kind=attachment.kind
    )


@extend_schema(tags=[TAG])
class MarkReadApi(APIView):
    @extend_schema(
        summary="Mark messages read (up to `seq`, default all); never moves back",
        request=s.MarkReadInput,
        responses=s.MarkReadOutput,
    )
    def post(self, request, pk):
        conversation = selectors.conversation_for_participant(request.user, pk)
        data = _valid(s.MarkReadInput, request)
        pointer = services.conversation_mark_read(
            conversation=conversation, actor=request.user, seq=data.get("seq")
        )
        return Response(
            s.MarkReadOutput(
                {"last_read_seq": pointer, "unread_total": selectors.unread_total(request.user)}
            ).data
        )


@extend_schema(tags=[TAG])
class SearchApi(APIView):
    @extend_schema(
        summary="Search the messages of a conversation (newest first)",
        parameters=[
            OpenApiParameter("q", str, required=True, description="2 to 200 characters."),
            OpenApiParameter("before", int, description="Continue below this seq."),
            OpenApiParameter("limit", int, description="1 to 100, default 50."),
        ],
        responses=s.SearchOutput,
    )
    def get(self, request, pk):
        conversation = selectors.conversation_for_participant(request.user, pk)
        params = request.query_params
        page = selectors.search(
            conversation, params.get("q"), before=params.get("before"), limit=params.get("limit")
        )
        return Response(
            s.SearchOutput(
                {
                    "results": page.messages,
                    "has_older": page.has_older,
                    "older_cursor": page.messages[-1].seq if page.has_older else None,
                }
            ).data
        )
