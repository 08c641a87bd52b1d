from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "vpdt.catalog"
    label = "catalog"
    verbose_name = "Danh mục dùng chung"
