import pytest

from connections.providers.netsuite import host_for, realm_for


@pytest.mark.parametrize(
    ("account_id", "realm", "host"),
    [
        ("1234567", "1234567", "https://1234567.suitetalk.api.netsuite.com"),
        ("1234567_SB1", "1234567_SB1", "https://1234567-sb1.suitetalk.api.netsuite.com"),
        ("1234567_sb1", "1234567_SB1", "https://1234567-sb1.suitetalk.api.netsuite.com"),
        ("1234567-sb1", "1234567_SB1", "https://1234567-sb1.suitetalk.api.netsuite.com"),
        (" tstdrv9 ", "TSTDRV9", "https://tstdrv9.suitetalk.api.netsuite.com"),
    ],
)
def test_realm_is_upper_case_with_underscore_and_host_lower_case_with_hyphen(account_id, realm, host):
    assert realm_for(account_id) == realm
    assert host_for(account_id) == host


@pytest.mark.parametrize("bad", ["", "12 34", "1234567_SB1.evil.com", "1234567/../x", "_SB1"])
def test_an_account_id_that_could_change_the_host_is_refused(bad):
    with pytest.raises(ValueError):
        host_for(bad)
