from django_tasks import task

from kenesh.deliberation.models import Conversation


@task()
def analyze_conversation(conversation_id: int) -> str:
    """Redraw a conversation's opinion map in the background."""
    from kenesh.deliberation.services import run_analysis

    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return "gone"
    return run_analysis(conversation=conversation).state
