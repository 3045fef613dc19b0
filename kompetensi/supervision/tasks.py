from celery import shared_task

from .services.transitions import observations_deem_acknowledged


@shared_task(name="kompetensi.tasks.deem_acknowledged", ignore_result=True)
def deem_acknowledged() -> int:
    """Periodic (beat, hourly): submitted results left unanswered for the madrasah's acknowledge_days
    become "deemed received". Safe to run twice or late: the update is conditional on the state."""
    return observations_deem_acknowledged()
