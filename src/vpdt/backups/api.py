"""Backups through the API: list the archives, start one in the background, verify one."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from vpdt.core.authz import scope_of

from . import services, tasks


class BackupSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField()


class BackupVerifySerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())


class BackupViewSet(viewsets.ViewSet):
    """Whole-installation backups: for the province (or system-wide) administrator only."""

    lookup_value_regex = r"vpdt-backup-[0-9-]+\.tar"
    serializer_class = BackupSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        scope = scope_of(request.user)
        if not (scope.is_superuser or scope.province_path):
            raise PermissionDenied("Chỉ quản trị cấp tỉnh được quản lý bản sao lưu.")

    @extend_schema(responses={200: BackupSerializer(many=True)})
    def list(self, request):
        return Response([{"name": p.name, "size": p.stat().st_size} for p in services.list_backups()])

    @extend_schema(request=None, responses={202: None})
    def create(self, request):
        tasks.scheduled_backup.delay()
        return Response({"detail": "Đã đưa việc sao lưu vào hàng đợi."}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: BackupVerifySerializer})
    def retrieve(self, request, pk=None):
        path = next((p for p in services.list_backups() if p.name == pk), None)
        if path is None:
            raise NotFound("Không có bản sao lưu này.")
        problems = services.verify_backup(path)
        return Response({"ok": not problems, "problems": problems})
