import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kenesh.mentoring.models import DEFAULT_CRITERIA, Call

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def call(db):
    return Call.objects.create(
        title="Fictional call",
        criteria=DEFAULT_CRITERIA,
        opens_on=datetime.date(2020, 1, 1),
        closes_on=datetime.date(2099, 1, 1),
        cohort_size=2,
    )


def form_data(**overrides):
    this_year = datetime.date.today().year
    data = {
        "name": "Fictional Applicant",
        "email": "applicant@example.org",
        "country": "TJ",
        "gender": "female",
        "sector": "academia",
        "birth_year": this_year - 25,
        "languages": ["ru", "en"],
        "motivation": "I want to help.",
        "consent": "on",
        "cv": SimpleUploadedFile("cv.pdf", PDF),
        "writing_sample": SimpleUploadedFile("s.pdf", PDF),
    }
    data.update(overrides)
    return data
