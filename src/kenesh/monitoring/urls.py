"""Monitoring's addresses: the pages people read, the staff's forms, and the files."""

from kenesh.monitoring import urls_edit, urls_files, urls_read

app_name = "monitoring"
urlpatterns = [*urls_read.urlpatterns, *urls_edit.urlpatterns, *urls_files.urlpatterns]
