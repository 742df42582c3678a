from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm for similar-item suggestions (feedback.similarity).

    CreateExtension does nothing on other databases (it checks the vendor itself), so
    the embedded SQLite default migrates through this unchanged.
    """

    dependencies = [("feedback", "0008_moderation")]

    operations = [TrigramExtension()]
