#!/usr/bin/env bash
# Installs (through apt, when missing) and starts what the test suite needs:
# PostgreSQL, Redis, Tesseract with Vietnamese, Chromium, fonts (DejaVu, Liberation 2), gettext, LibreOffice
# Writer (headless) and SoftHSM2.
# Uses the services already running on 127.0.0.1 when present.
set -euo pipefail

need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
command -v pg_dump >/dev/null 2>&1 || need+=(postgresql-client)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
if ! tesseract --list-langs 2>/dev/null | grep -qx vie; then need+=(tesseract-ocr-vie); fi
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# Times-metric serif faces with Vietnamese letters (Liberation 2.x) for the scan corpus of the OCR benchmark
[ -e /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation2)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)  # DOCX/ODT → PDF for viewing
command -v softhsm2-util >/dev/null 2>&1 || need+=(softhsm2)  # stands in for the agency's HSM (PKCS#11)

if [ ${#need[@]} -gt 0 ]; then
  echo "== Cài gói hệ thống: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# PostgreSQL on 127.0.0.1:5432
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "== Khởi động PostgreSQL"
  ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  if [ -z "$ver" ]; then echo "Không tìm thấy cụm PostgreSQL sau khi cài đặt" >&2; exit 1; fi
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start || pg_ctlcluster "$ver" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  # A fresh Debian cluster asks for a password on TCP: give the test role one.
  su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
fi

# Redis on 127.0.0.1:6379
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  echo "== Khởi động Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/vpdt-test.log
  for _ in $(seq 1 20); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.5; done
fi
echo "== Dịch vụ sẵn sàng: PostgreSQL 127.0.0.1:5432, Redis 127.0.0.1:6379"
