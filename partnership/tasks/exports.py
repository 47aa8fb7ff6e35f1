"""Celery tasks of long exports (see partnership/tasks/__init__.py): the dashboard's PDF board pack."""

from celery import shared_task

from ..dashboards import boardpack


@shared_task(name="partnership.tasks.build_board_pack", acks_late=True)
def build_board_pack(job_id: str) -> str:
    """Build ExportJob `job_id`'s board pack. Takes only the job's id; a job that is done is not rebuilt,
    so a redelivered message (acks_late) does no harm."""
    return boardpack.run(job_id)
