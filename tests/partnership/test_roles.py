from partnership.roles import CHILD_DETAIL_ROLES, ROLES, Permission, Role, permissions_for


def test_every_role_is_declared_with_a_description_and_permissions():
    assert set(ROLES) == set(Role)
    for role in Role:
        assert len(role.description) > 20
        assert role.info.permissions, role


def test_every_permission_is_granted_by_some_role():
    granted = set().union(*(info.permissions for info in ROLES.values()))
    assert granted == set(Permission)


def test_child_detail_roles_are_exactly_the_referral_and_mhst_roles():
    assert CHILD_DETAIL_ROLES == {
        Role.SCHOOL_STAFF,
        Role.SCHOOL_MH_LEAD,
        Role.DUTY_CLINICIAN,
        Role.DUTY_LEAD,
        Role.MHST_MANAGER,
        Role.MHST_PRACTITIONER,
    }


def test_commissioners_and_area_leads_see_aggregates_only():
    for role in (Role.COMMISSIONER, Role.AREA_LEAD):
        perms = ROLES[role].permissions
        assert Permission.VIEW_SCHOOL_REFERRALS not in perms
        assert Permission.TRIAGE_REFERRALS not in perms
        assert not ROLES[role].sees_child_details


def test_permissions_for_combines_roles():
    perms = permissions_for(["steering_member", "facilitator"])
    assert Permission.RUN_CASCADE_WORKSHOPS in perms
    assert Permission.UPDATE_OWN_ACTIONS in perms
    assert Permission.MANAGE_PARTNERSHIP not in perms
