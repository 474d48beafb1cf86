"""The to-do list of the secretariat: what a conversation asked a person of the service to do
(a call-back…), until it is marked done."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import Role, StaffTask
from assistant.services import audit
from assistant.staff.access import role_required
from assistant.staff.blueprint import bp


@bp.get("/taches")
@role_required(Role.ADMIN, Role.SECRETARY)
def tasks():
    open_tasks = db.session.scalars(
        select(StaffTask).where(StaffTask.done_at.is_(None)).order_by(StaffTask.created_at)
    ).all()
    return render_template("staff/tasks.html", tasks=open_tasks)


@bp.post("/taches/<int:task_id>/fait")
@role_required(Role.ADMIN, Role.SECRETARY)
def task_done(task_id: int):
    task = db.session.get(StaffTask, task_id)
    if task is None:
        abort(404)
    if task.done_at is None:
        task.done_at = utcnow()
        audit.record(
            db.session, current_user, "done", "staff_task", task.id, ip=request.remote_addr
        )
        db.session.commit()
    flash(_("Tâche terminée."), "success")
    return redirect(url_for("staff.tasks"))
