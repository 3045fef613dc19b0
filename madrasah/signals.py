from celery.signals import worker_ready


@worker_ready.connect
def record_heartbeat_on_start(sender=None, **kwargs):
    from .services import heartbeat_record

    heartbeat_record(worker=getattr(sender, "hostname", "worker"))
