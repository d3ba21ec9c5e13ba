"""The web shell: login, logout, per-role home, errors."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from angsur.errors import DomainError
from angsur.org.roles import Role
from angsur.org.services import login_authenticate
from angsur.web.home import home_context


class LoginForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    password = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput, max_length=256)

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            self.user = login_authenticate(username=data["username"], password=data["password"], request=self.request)
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        return data


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        next_url = request.GET.get("next", "")
        if next_url.startswith("/") and not next_url.startswith("//"):
            return redirect(next_url)
        return redirect("home")
    return render(request, "registration/login.html", {"form": form}, status=200 if request.method == "GET" or form.is_valid() else 400)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have logged out."))
    # What the user left on a shared phone is handled by device.js before this post: the kept screens and
    # the session's key go; work not sent yet stays, encrypted, until the user logs in again. Not
    # `Clear-Site-Data: "storage"`: it would delete that work, and a colleague's whose session ended here.
    response = redirect("login")
    # The language is the person's (User.language), not the phone's: the next user starts from the default.
    response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH, samesite=settings.LANGUAGE_COOKIE_SAMESITE)
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = home_context(user)
    template = f"web/home/{user.role}.html" if user.role in Role.values else "web/home/default.html"
    return render(request, [template, "web/home/default.html"], context)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"title": _("Not found"), "message": _("The page or record was not found, or it is outside your branch.")},
        status=404,
    )


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request, "web/error.html", {"title": _("Not allowed"), "message": _("Your role is not allowed to open this page.")}, status=403
    )


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", {"title": _("Bad request"), "message": _("The request could not be understood.")}, status=400)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"title": _("Something went wrong"), "message": _("The error has been logged. Please try again.")},
        status=500,
    )


def api_not_found(request: HttpRequest) -> HttpResponse:
    """Unknown paths under /api/ answer in JSON like the rest of the API."""
    from django.http import JsonResponse

    return JsonResponse({"code": "not_found", "message": _("No such API endpoint.")}, status=404)


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switch: Django's set_language (the cookie), and for a signed-in person their own choice."""
    response = set_language(request)
    code = request.POST.get("language", "")
    if request.user.is_authenticated and code in dict(settings.LANGUAGES) and request.user.language != code:
        request.user.language = code
        request.user.save(update_fields=["language"])
    return response
