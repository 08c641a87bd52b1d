"""Accounts API: token login/logout, password change, and account administration."""

from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from vpdt.core.authz import manageable, visible
from vpdt.core.dates import ApiDateField
from vpdt.core.params import int_param
from vpdt.directory.models import Agency, Role, Unit

from . import services
from .models import AccountStatus, StatusReason, User


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(label="Tên đăng nhập", max_length=150)
    password = serializers.CharField(label="Mật khẩu", style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField()
    must_change_password = serializers.BooleanField()


class LoginAPI(APIView):
    """Exchange username and password for an API token (knox; hashed at rest, expiring)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=LoginSerializer, responses={200: TokenSerializer}, tags=["auth"])
    def post(self, request):
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        http_request = request._request
        user = authenticate(
            http_request,
            username=data.validated_data["username"].strip().lower(),
            password=data.validated_data["password"],
        )
        if getattr(http_request, "axes_locked_out", False):
            from .views import lockout_response

            return lockout_response(http_request)
        if user is None:
            raise ValidationError({"detail": "Tên đăng nhập hoặc mật khẩu không đúng."})
        if not user.is_active:
            raise PermissionDenied(services.status_message(user))
        instance, token = AuthToken.objects.create(user)
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        return Response({"token": token, "expiry": instance.expiry, "must_change_password": user.must_change_password})


class LogoutAPI(KnoxLogoutView):
    allow_unchanged_password = True

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request, format=None):
        return super().post(request, format)


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(trim_whitespace=False)
    new_password = serializers.CharField(trim_whitespace=False)


class PasswordChangeAPI(APIView):
    allow_unchanged_password = True

    @extend_schema(request=PasswordChangeSerializer, responses={204: None}, tags=["auth"])
    def post(self, request):
        data = PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not request.user.check_password(data.validated_data["old_password"]):
            raise ValidationError({"old_password": ["Mật khẩu hiện tại không đúng."]})
        # The token (or browser session) the change is made from is kept; every other one of the account ends.
        token = request.auth if isinstance(request.auth, AuthToken) else None
        http_request = request._request
        old_key = http_request.session.session_key
        try:
            services.change_password(
                request.user, data.validated_data["new_password"], keep_session=old_key, keep_token=token
            )
        except DjangoValidationError as exc:
            raise ValidationError({"new_password": exc.messages}) from exc
        if token is None:  # signed in with the browser session: it stays signed in, under a new key
            update_session_auth_hash(http_request, request.user)
            services.session_renewed(request.user, old_key, http_request.session.session_key)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PositionBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    role = serializers.CharField()
    agency = serializers.IntegerField(source="agency_id")
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    is_active = serializers.BooleanField()


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "phone",
            "birth_date",
            "agency",
            "status",
            "status_reason",
            "status_note",
            "status_changed_at",
            "must_change_password",
            "last_login",
            "date_joined",
            "left_on",
            "is_organisational",
        ]
        read_only_fields = fields


class MeSerializer(UserSerializer):
    positions = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = UserSerializer.Meta.fields + ["positions"]
        read_only_fields = fields

    def get_positions(self, obj) -> list[dict]:
        return PositionBriefSerializer(obj.positions.filter(is_active=True), many=True).data


class MeAPI(APIView):
    allow_unchanged_password = True

    @extend_schema(responses={200: MeSerializer}, tags=["auth"])
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class AccountCreateSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=100)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    birth_date = ApiDateField(required=False, allow_null=True)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    username = serializers.CharField(required=False, allow_blank=True, max_length=150)
    is_organisational = serializers.BooleanField(required=False, default=False)
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    role = serializers.ChoiceField(choices=Role.choices, required=False, allow_null=True)


class AccountCreatedSerializer(UserSerializer):
    one_time_password = serializers.CharField(read_only=True)

    class Meta(UserSerializer.Meta):
        fields = UserSerializer.Meta.fields + ["one_time_password"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=StatusReason.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """People (accounts) the caller may see; administration actions for those they manage."""

    serializer_class = UserSerializer
    ordering = ("full_name", "id")

    def get_queryset(self):
        qs = visible(User, self.request.user)
        params = self.request.query_params
        if params.get("status") in AccountStatus.values:
            qs = qs.filter(status=params["status"])
        agency_id = int_param(params.get("agency"))
        if agency_id is not None:
            qs = qs.filter(agency_id=agency_id)
        return qs.filter(services.search_q(params.get("q", "")))

    @extend_schema(request=AccountCreateSerializer, responses={201: AccountCreatedSerializer})
    def create(self, request):
        data = AccountCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["username"] = values.get("username") or None
        user, password = services.create_account(request.user, **values)
        body = UserSerializer(user).data
        body["one_time_password"] = password
        return Response(body, status=status.HTTP_201_CREATED)

    def _managed(self, pk):
        user = self.get_object()  # 404 when the caller cannot even see the person
        if not manageable(User, self.request.user).filter(pk=user.pk).exists():
            raise PermissionDenied("Bạn không có quyền quản trị tài khoản này.")
        return user

    def _act(self, request, pk, fn):
        user = self._managed(pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = fn(user, data.validated_data)
        if isinstance(result, tuple):
            body = UserSerializer(result[0]).data
            body["one_time_password"] = result[1]
            return Response(body)
        user.refresh_from_db()
        return Response(UserSerializer(user).data)

    @extend_schema(request=ReasonSerializer, responses={200: UserSerializer})
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        return self._act(
            request,
            pk,
            lambda u, d: services.lock(request.user, u, d.get("reason") or StatusReason.OTHER, d.get("note", "")),
        )

    @extend_schema(request=ReasonSerializer, responses={200: UserSerializer})
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        return self._act(request, pk, lambda u, d: services.unlock(request.user, u, d.get("note", "")))

    @extend_schema(request=ReasonSerializer, responses={200: UserSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._act(
            request,
            pk,
            lambda u, d: services.revoke(request.user, u, d.get("reason") or StatusReason.INACTIVE, d.get("note", "")),
        )

    @extend_schema(request=ReasonSerializer, responses={200: AccountCreatedSerializer})
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        return self._act(request, pk, lambda u, d: services.reinstate(request.user, u, d.get("note", "")))

    @extend_schema(request=ReasonSerializer, responses={200: UserSerializer})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        return self._act(request, pk, lambda u, d: services.deactivate(request.user, u, d.get("note", "")))

    @extend_schema(request=ReasonSerializer, responses={200: AccountCreatedSerializer})
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        return self._act(request, pk, lambda u, d: services.reactivate(request.user, u, d.get("note", "")))

    @extend_schema(request=None, responses={200: AccountCreatedSerializer})
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request, pk=None):
        return self._act(request, pk, lambda u, d: (u, services.issue_one_time_password(request.user, u)))
