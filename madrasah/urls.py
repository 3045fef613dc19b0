from django.urls import path

from .views import access_log, accounts, home, installation, my_account, periods, staff, staff_excel
from .views.notifications import notification_list, notification_open

app_name = "madrasah"

urlpatterns = [
    path("", home.home, name="home"),
    path("masuk/", accounts.LoginView.as_view(), name="login"),
    path("keluar/", accounts.logout, name="logout"),
    path("akun/sandi/", accounts.PasswordChangeView.as_view(), name="password-change"),
    path("akun/pilih-madrasah/", accounts.choose_madrasah, name="choose-madrasah"),
    path("akun/slip/", accounts.slips_print, name="slips-print"),
    path("akun/terkunci/", accounts.lockout_list, name="lockout-list"),
    path("akun/terkunci/buka/", accounts.lockout_unlock, name="lockout-unlock"),
    path("akun/saya/", my_account.my_account, name="my-account"),
    path("akun/undangan/<int:pk>/terima/", my_account.invitation_accept, name="invitation-accept"),
    path("akun/undangan/<int:pk>/tolak/", my_account.invitation_decline, name="invitation-decline"),
    path("akun/riwayat/", my_account.account_events, name="account-events"),
    path("instalasi/", installation.installation_home, name="installation"),
    path("instalasi/akun/", installation.installation_accounts, name="installation-accounts"),
    path(
        "instalasi/akun/<int:pk>/reset-sandi/",
        installation.installation_account_reset,
        name="installation-account-reset",
    ),
    path("instalasi/akun/<int:pk>/buka/", installation.installation_account_unlock, name="installation-account-unlock"),
    path("instalasi/madrasah/<int:pk>/kepala/", installation.installation_kepala, name="installation-kepala"),
    path("instalasi/riwayat/", installation.installation_events, name="installation-events"),
    path("beranda/kepala/", home.home_kepala, name="home-kepala"),
    path("beranda/waka/", home.home_waka, name="home-waka"),
    path("beranda/guru/", home.home_guru, name="home-guru"),
    path("beranda/operator/", home.home_operator, name="home-operator"),
    path("beranda/pengawas/", home.home_pengawas, name="home-pengawas"),
    path("pegawai/", staff.staff_list, name="staff-list"),
    path("pegawai/tambah/", staff.staff_create, name="staff-create"),
    path("pegawai/impor/", staff_excel.staff_import, name="staff-import"),
    path("pegawai/ekspor/", staff_excel.staff_export, name="staff-export"),
    path("pegawai/templat/", staff_excel.staff_template, name="staff-template"),
    path("pegawai/<int:pk>/", staff.staff_detail, name="staff-detail"),
    path("pegawai/<int:pk>/ubah/", staff.staff_update, name="staff-update"),
    path("pegawai/<int:pk>/status/", staff.staff_set_active, name="staff-set-active"),
    path("pegawai/<int:pk>/hapus/", staff.staff_delete, name="staff-delete"),
    path("pegawai/<int:pk>/akun/", staff.staff_account, name="staff-account"),
    path("pegawai/<int:pk>/reset-sandi/", staff.staff_password_reset, name="staff-password-reset"),
    path("pegawai/<int:pk>/undangan/tarik/", staff.staff_invitation_withdraw, name="staff-invitation-withdraw"),
    path("semester/", periods.semester_list, name="semester-list"),
    path("semester/<int:pk>/aktifkan/", periods.semester_activate, name="semester-activate"),
    path("profil-madrasah/", periods.madrasah_profile, name="madrasah-profile"),
    path("pemberitahuan/", notification_list, name="notification-list"),
    path("pemberitahuan/<int:pk>/", notification_open, name="notification-open"),
    path("log-akses-data/", access_log.access_log, name="access-log"),
]
