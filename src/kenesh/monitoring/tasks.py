from django_tasks import task

from kenesh.monitoring.models import ReportRender


@task()
def render_report(render_id: int) -> str:
    """Draw a report's PDF or DOCX in the background, recording on the render how it goes."""
    from kenesh.monitoring.renders import run_render

    render = (
        ReportRender.objects.select_related("report", "requested_by").filter(pk=render_id).first()
    )
    if render is None:
        return "gone"
    return run_render(render=render).status
