import socket

from celery import shared_task

from .services import heartbeat_record


@shared_task(name="madrasah.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat() -> None:
    """Periodic (beat, every minute): proves to /healthz that a worker takes tasks from the broker."""
    heartbeat_record(worker=record_heartbeat.request.hostname or socket.gethostname())
