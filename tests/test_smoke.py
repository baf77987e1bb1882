from django.conf import settings


def test_settings_use_utc_and_named_cluster():
    assert settings.TIME_ZONE == "UTC"
    assert settings.Q_CLUSTER["name"] == "contactsync"
    assert settings.Q_CLUSTER["timeout"] < settings.Q_CLUSTER["retry"]
