"""Web pages: the inbox and a conversation. They work without JavaScript (forms and links);
with it, HTMX sends without a reload and polls for news, and conversation.js listens on the
conversation's socket to refresh at once and to show who is typing.

Every mutation answers an HTMX request with the same "updates" fragment: new messages,
messages changed since the last look, the read receipts and the sync state, swapped out of band.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from craftwork.core.errors import DomainError, NotFound

from . import contexts, presence, selectors, services
from .api.views import attachment_response
from .forms import EditForm, MessageForm, SearchForm
from .models import Conversation, Message
from .realtime import display_name

INBOX_PAGE = 20
POLL_SECONDS = 10


def _or_404(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _conversation_url(conversation, message=None) -> str:
    url = reverse("messaging:conversation", args=[conversation.pk])
    return f"{url}#m-{message.pk}" if message is not None else url


# --- inbox --------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    rows = selectors.inbox(request.user, unread_only=unread_only)
    page = Paginator(rows, INBOX_PAGE).get_page(request.GET.get("page"))
    for row in page:
        row.others = [
            p.user for p in row.conversation.participants.all() if p.user_id != request.user.pk
        ]
        row.read_only = (
            services.write_refusal(row.conversation, row, list(row.conversation.participants.all()))
            is not None
        )
    return render(
        request, "messaging/inbox.html", {"page": page, "rows": page, "unread_only": unread_only}
    )


# --- starting a conversation -------------------------------------------------------------------


def _start_context(request, kind, pk):
    if kind not in contexts.START_KINDS:
        raise Http404(_("Unknown conversation context."))
    obj = _or_404(contexts.load, kind, pk, request.user)
    with_id = request.POST.get("with") or request.GET.get("with")
    with_user = _or_404(contexts.load_user, with_id) if with_id else None
    return obj, with_user


@login_required
@require_http_methods(["GET", "POST"])
def start(request, kind, pk):
    """GET: the existing conversation (redirect), or a form for the first message.
    POST: start it with that message."""
    obj, with_user = _start_context(request, kind, pk)
    try:
        context = contexts.resolve(kind=kind, obj=obj, actor=request.user, with_user=with_user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as error:
        return _refused(request, error)
    existing = Conversation.objects.filter(key=context.key).first()
    if existing is not None or request.method == "POST":
        form = MessageForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid() and not _has_content(form):
            form.add_error("body", _("Write a message or attach a file."))
        if request.method == "POST" and not form.is_valid():
            return _start_page(request, context, form, kind, with_user)
        try:
            conversation = services.conversation_for_context(
                kind=kind, obj=obj, actor=request.user, with_user=with_user
            )
            if request.method == "POST":
                services.message_send(
                    conversation=conversation,
                    actor=request.user,
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data["attachments"],
                )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as error:
            if request.method == "GET" or error.status_code == 403:
                return _refused(request, error)
            form.add_error(None, error.message)
            return _start_page(request, context, form, kind, with_user)
        return redirect(_conversation_url(conversation))
    if context.refusal is not None:
        return _refused(request, context.refusal)
    return _start_page(request, context, MessageForm(), kind, with_user)


def _has_content(form) -> bool:
    return bool(form.cleaned_data["body"].strip() or form.cleaned_data["attachments"])


def _start_page(request, context, form, kind, with_user):
    others = [m.user for m in context.members if m.user.pk != request.user.pk]
    return render(
        request,
        "messaging/start.html",
        {
            "context": context,
            "form": form,
            "kind": kind,
            "with_user": with_user,
            "others": others,
        },
        status=400 if form.errors else 200,
    )


def _refused(request, error):
    return render(
        request, "messaging/refused.html", {"error": error}, status=error.status_code or 400
    )


# --- a conversation ----------------------------------------------------------------------------


def _since(value):
    parsed = parse_datetime(value) if isinstance(value, str) and value else None
    if parsed is None or timezone.is_naive(parsed):
        return None
    return parsed


def _receipt(conversation, user, participants):
    """Who has seen my newest message: names of the others whose read pointer reached it."""
    mine = Message.objects.filter(conversation_id=conversation.pk, author=user).aggregate(
        seq=Max("seq")
    )["seq"]
    if not mine:
        return None
    seen = [
        display_name(p.user)
        for p in participants
        if p.user_id != user.pk and p.last_read_seq >= mine
    ]
    return {"seq": mine, "seen": seen, "everyone": len(seen) == len(participants) - 1}


def _sync_state(conversation, after, read_only) -> dict:
    return {
        "after": after,
        "since": timezone.now().isoformat(),
        "ro": "1" if read_only else "0",
        "url": reverse("messaging:updates", args=[conversation.pk]),
    }


def _common(request, conversation) -> dict:
    refusal = services.write_refusal(conversation, conversation.me, conversation.participants_list)
    return {
        "conversation": conversation,
        "participants": conversation.participants_list,
        "others": [p for p in conversation.participants_list if p.user_id != request.user.pk],
        "refusal": refusal,
        "read_only": refusal is not None,
        "edit_cutoff": timezone.now() - services.EDIT_WINDOW,
        "receipt": _receipt(conversation, request.user, conversation.participants_list),
        "poll_seconds": POLL_SECONDS,
    }


def _look(request, conversation) -> None:
    """The viewer is looking: everything shown is read, and "new message" notifications wait."""
    presence.mark_viewing(conversation.pk, request.user.pk)
    pointer = services.conversation_mark_read(conversation=conversation, actor=request.user)
    conversation.me.last_read_seq = pointer


@login_required
@require_GET
def conversation_page(request, pk):
    conversation = _or_404(selectors.conversation_for_participant, request.user, pk)
    if request.GET.get("q") is not None:
        return _search_page(request, conversation)
    before = request.GET.get("before")
    try:
        page = selectors.message_page(conversation, before=before)
    except DomainError:
        return redirect(_conversation_url(conversation))
    if before and request.htmx:
        return render(
            request,
            "messaging/_older.html",
            {**_common(request, conversation), "page": page},
        )
    if not before:
        _look(request, conversation)
    context = _common(request, conversation)
    after = conversation.last_seq if not before else (page.newest_seq or 0)
    context.update(
        page=page,
        form=MessageForm(),
        search_form=SearchForm(),
        sync=_sync_state(conversation, after, context["read_only"]),
        browsing_older=bool(before),
        full_page=True,  # the "Report" control (its form returns to this page)
    )
    return render(request, "messaging/conversation.html", context)


def _search_page(request, conversation):
    form = SearchForm(request.GET)
    results = None
    if form.is_valid():
        try:
            results = selectors.search(
                conversation, form.cleaned_data["q"], before=request.GET.get("before")
            )
        except DomainError as error:
            form.add_error("q", error.message)
    context = _common(request, conversation)
    context.update(search_form=form, results=results)
    return render(request, "messaging/search.html", context, status=200 if form.is_valid() else 400)


def _updates(request, conversation, *, after=None, since=None, ro=None, form=None, composer=False):
    """New messages after ``after``, those changed since ``since``, receipts and sync state."""
    if after is None:
        after = request.POST.get("after") or request.GET.get("after") or 0
    if since is None:
        since = _since(request.POST.get("since") or request.GET.get("since"))
    if ro is None:
        ro = request.POST.get("ro") or request.GET.get("ro")
    try:
        page = selectors.message_page(conversation, after=after, limit=100)
    except DomainError:
        page = selectors.message_page(conversation, after=0, limit=100)
        after = 0
    after = int(after)
    changed = selectors.changed_messages(conversation, since=since, up_to_seq=after)
    _look(request, conversation)
    context = _common(request, conversation)
    newest = page.newest_seq or after
    context.update(
        new_messages=page.messages,
        changed=changed,
        sync=_sync_state(conversation, newest, context["read_only"]),
        form=form or MessageForm(),
    )
    state_changed = ro in ("0", "1") and ro != ("1" if context["read_only"] else "0")
    context["composer"] = composer or state_changed
    # Always 200: htmx swaps nothing on an error status; a refusal shows in the composer.
    return render(request, "messaging/_updates.html", context)


@login_required
@require_GET
def updates(request, pk):
    conversation = _or_404(selectors.conversation_for_participant, request.user, pk)
    return _updates(request, conversation)


@login_required
@require_POST
def send(request, pk):
    conversation = _or_404(selectors.conversation_for_participant, request.user, pk)
    form = MessageForm(request.POST, request.FILES)
    error = None
    if form.is_valid():
        try:
            message = services.message_send(
                conversation=conversation,
                actor=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            error = exc
    else:
        error = DomainError(_("The message could not be sent."), code="validation_error")
        error.status_code = 400
    if request.htmx:
        if error is not None and not form.errors:
            form.add_error(None, error.message)
        return _updates(
            request, conversation, form=form if error is not None else None, composer=True
        )
    if error is not None:
        for field_errors in form.errors.values():
            for text in field_errors:
                messages.error(request, text)
        if not form.errors:
            messages.error(request, error.message)
        return redirect(_conversation_url(conversation))
    return redirect(_conversation_url(conversation, message))


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk, message_pk):
    message = _or_404(selectors.message_for_participant, request.user, pk, message_pk)
    conversation = message.conversation
    form = EditForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.message_edit(
                message=message, actor=request.user, body=form.cleaned_data["body"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect(_conversation_url(conversation, message))
    elif request.method == "GET" and (message.author_id != request.user.pk or not message.is_shown):
        raise Http404(_("Message not found."))
    return render(
        request,
        "messaging/edit.html",
        {
            "conversation": conversation,
            "message": message,
            "form": form,
            "window_ends": message.created_at + services.EDIT_WINDOW,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def delete(request, pk, message_pk):
    message = _or_404(selectors.message_for_participant, request.user, pk, message_pk)
    conversation = message.conversation
    try:
        services.message_delete(message=message, actor=request.user)
    except DomainError as error:
        if request.htmx:
            form = MessageForm()
            form.add_error(None, error.message)
            return _updates(request, conversation, form=form, composer=True)
        messages.error(request, error.message)
        return redirect(_conversation_url(conversation, message))
    if request.htmx:
        return _updates(request, conversation)
    messages.success(request, _("The message was deleted."))
    return redirect(_conversation_url(conversation, message))


@login_required
@require_GET
def attachment(request, pk):
    found = _or_404(selectors.attachment_for_participant, request.user, pk)
    return attachment_response(found, thumbnail=request.GET.get("thumbnail"))
