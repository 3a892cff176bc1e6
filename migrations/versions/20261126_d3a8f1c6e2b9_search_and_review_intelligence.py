"""Search and review intelligence: the applications' full-text index (a GIN-indexed tsvector on
PostgreSQL, an FTS5 table on SQLite), their text fingerprints and the companies' normalised registration
numbers for possible duplicates, reviewers' declared expertise and their reviews' sectors, and each fund's
agreement of scores

Revision ID: d3a8f1c6e2b9
Revises: b7e3c1d9a4f2
Create Date: 2026-11-26 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'd3a8f1c6e2b9'
down_revision = 'b7e3c1d9a4f2'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('companies', sa.Column('registration_key', sa.String(length=100), server_default='',
                                         nullable=False))
    op.create_index('ix_companies_registration_key', 'companies', ['registration_key'])
    op.add_column('users', sa.Column('expertise_sectors', sa.JSON(), nullable=True))
    op.add_column('users', sa.Column('expertise_keywords', sa.String(length=300), server_default='',
                                     nullable=False))
    op.add_column('funds', sa.Column('agreement', sa.JSON(), nullable=True))
    op.add_column('reviews', sa.Column('sector', sa.String(length=30), server_default='', nullable=False))
    op.execute("UPDATE reviews SET sector = (SELECT sector FROM applications "
               "WHERE applications.id = reviews.application_id)")
    op.create_index('ix_reviews_reviewer_sector', 'reviews', ['reviewer_id', 'fund_id', 'sector'])
    op.create_table(
        'application_fingerprints',
        sa.Column('application_id', sa.Integer(), sa.ForeignKey('applications.id'), nullable=False),
        sa.Column('band', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('application_id', 'band'),
    )
    op.create_index('ix_application_fingerprints_band', 'application_fingerprints', ['band'])
    if op.get_bind().dialect.name == 'postgresql':
        op.create_table(
            'application_search',
            sa.Column('application_id', sa.Integer(), sa.ForeignKey('applications.id'), primary_key=True),
            sa.Column('document', postgresql.TSVECTOR(), nullable=False),
        )
        op.create_index('ix_application_search_document', 'application_search', ['document'],
                        postgresql_using='gin')
    else:
        op.execute("CREATE VIRTUAL TABLE application_search USING fts5(title, pitch, body, "
                   "tokenize = 'unicode61 remove_diacritics 2')")
    from fundapp.applications import indexing
    indexing.rebuild(op.get_bind())
    _agreement_of_funds_reviewed(op.get_bind())


def _agreement_of_funds_reviewed(connection):
    """Each fund's agreement of the scores it already holds, as refreshing its scores stores it."""
    from fundapp.applications import agreement, scoring
    from fundapp.applications.models import Criterion, Review
    from fundapp.applications.review import pure_rubric
    from fundapp.funds.models import Fund
    for fund_id in connection.scalars(sa.select(Review.fund_id).distinct()).all():
        criteria = pure_rubric(connection.execute(sa.select(Criterion).where(Criterion.fund_id == fund_id)
                                                  .order_by(Criterion.position, Criterion.id)))
        reviews = [scoring.Review(application_id, reviewer_id, {int(k): v for k, v in scores.items()})
                   for application_id, reviewer_id, scores in connection.execute(
                       sa.select(Review.application_id, Review.reviewer_id, Review.scores)
                       .where(Review.fund_id == fund_id))]
        connection.execute(sa.update(Fund.__table__).where(Fund.__table__.c.id == fund_id)
                           .values(agreement=agreement.of_reviews(criteria, reviews)))


def downgrade():
    op.drop_table('application_search')
    op.drop_index('ix_application_fingerprints_band', table_name='application_fingerprints')
    op.drop_table('application_fingerprints')
    # dropped in place (SQLite 3.35+): a copied table would break the keys that name it
    op.drop_column('funds', 'agreement')
    op.drop_index('ix_reviews_reviewer_sector', table_name='reviews')
    op.drop_column('reviews', 'sector')
    op.drop_column('users', 'expertise_keywords')
    op.drop_column('users', 'expertise_sectors')
    op.drop_index('ix_companies_registration_key', table_name='companies')
    op.drop_column('companies', 'registration_key')
