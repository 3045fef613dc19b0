from django.urls import path

from .views import access_log, accounts, home, periods, staff, staff_excel
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
    path("semester/", periods.semester_list, name="semester-list"),
    path("semester/<int:pk>/aktifkan/", periods.semester_activate, name="semester-activate"),
    path("profil-madrasah/", periods.madrasah_profile, name="madrasah-profile"),
    path("pemberitahuan/", notification_list, name="notification-list"),
    path("pemberitahuan/<int:pk>/", notification_open, name="notification-open"),
    path("log-akses-data/", access_log.access_log, name="access-log"),
]
