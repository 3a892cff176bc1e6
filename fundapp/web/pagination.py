"""Pages of a long list, numbered from 1."""
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Select, func, select

from fundapp.extensions import db


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def _count(query: Select) -> Select:
    """The number of rows of the query, counted where they stand (a subquery only when grouped)."""
    if query._group_by_clauses or query._distinct:
        return select(func.count()).select_from(query.order_by(None).subquery())
    return query.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)


def paginate(query: Select, number: int, per_page: int | None = None, rows: bool = False,
             count: Select | None = None) -> Page:
    """One page of the query's results (whole rows when rows=True) and the total count (by the count
    query when one is given)."""
    per_page = per_page or current_app.config["PER_PAGE"]
    number = max(1, number)
    total = db.session.scalar(count if count is not None else _count(query))
    page = query.limit(per_page).offset((number - 1) * per_page)
    items = db.session.execute(page).all() if rows else db.session.scalars(page).unique().all()
    return Page(items=list(items), number=number, per_page=per_page, total=total)


def page_of(items: list, number: int, per_page: int | None = None) -> Page:
    """One page of a list already in memory (figures computed for the whole fund)."""
    per_page = per_page or current_app.config["PER_PAGE"]
    number = max(1, number)
    return Page(items=items[(number - 1) * per_page:number * per_page], number=number, per_page=per_page,
                total=len(items))
