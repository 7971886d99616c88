"""Job reports where an administrator looks: counts by outcome and the full report as CSV."""
from __future__ import annotations

import csv
import io
from typing import Any

from ckan import model

from .harvester import HARVESTER_NAME, job_counts

REPORT_FIELDS = ["kind", "guid", "status", "report_status", "remote_url", "package_id",
                 "message"]


def job_report_rows(job_id: str) -> list[dict[str, str]]:
    """Every gather error and every record of a job, with its errors: never truncated."""
    from ckanext.harvest.model import HarvestGatherError, HarvestObject

    rows = [{"kind": "gather", "guid": "", "status": "error", "report_status": "",
             "remote_url": "", "package_id": "", "message": e.message}
            for e in model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job_id)
            .order_by(HarvestGatherError.created)]
    for obj in (model.Session.query(HarvestObject).filter_by(harvest_job_id=job_id)
                .order_by(HarvestObject.guid)):
        extras = {e.key: e.value for e in obj.extras}
        rows.append({
            "kind": "record", "guid": obj.guid or "", "status": extras.get("status", ""),
            "report_status": obj.report_status or "", "remote_url": extras.get("remote_url", ""),
            "package_id": obj.package_id or "",
            "message": " | ".join(e.message for e in obj.errors),
        })
    return rows


def write_csv(rows: list[dict[str, str]], output: Any) -> None:
    writer = csv.DictWriter(output, fieldnames=REPORT_FIELDS)
    writer.writeheader()
    writer.writerows(rows)


def report_csv(job_id: str) -> str:
    buffer = io.StringIO()
    write_csv(job_report_rows(job_id), buffer)
    return buffer.getvalue()


def is_federation_job(job_id: str) -> bool:
    from ckanext.harvest.model import HarvestJob

    job = model.Session.get(HarvestJob, job_id)
    return job is not None and job.source is not None and job.source.type == HARVESTER_NAME


def opengov_federation_job_counts(job_id: str) -> dict[str, int] | None:
    """Records of a federation harvest job by outcome; None for another harvester's job."""
    if not job_id or not is_federation_job(job_id):
        return None
    return job_counts(job_id)


def helpers() -> dict[str, Any]:
    return {"opengov_federation_job_counts": opengov_federation_job_counts}
