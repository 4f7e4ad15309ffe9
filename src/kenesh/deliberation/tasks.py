from django_tasks import task

from kenesh.deliberation.models import AnalysisRun, Conversation


@task()
def analyze_conversation(conversation_id: int, run_id: int | None = None) -> str:
    """Redraw a conversation's opinion map in the background, recording on the run (when
    given) how it goes. Jobs queued before runs existed carry no run."""
    from kenesh.deliberation.services import run_analysis

    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return "gone"
    run = (
        AnalysisRun.objects.filter(pk=run_id, conversation=conversation).first()
        if run_id is not None
        else None
    )
    return run_analysis(conversation=conversation, run=run).state
