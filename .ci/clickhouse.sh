#!/usr/bin/env bash
# Installs (Debian package, ClickHouse 18.16) and starts a throwaway ClickHouse
# server on HTTP port 18123 / TCP 19000 with its data under a temp dir.
# Idempotent: does nothing when one already answers /ping.
set -euo pipefail
PORT=${TEST_CLICKHOUSE_HTTP_PORT:-18123}
if curl -fsS "http://127.0.0.1:$PORT/ping" >/dev/null 2>&1; then echo "clickhouse already running on $PORT"; exit 0; fi
if ! command -v clickhouse-server >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server clickhouse-client >/dev/null
fi
D=${CLICKHOUSE_DATA_DIR:-/tmp/nexatron-clickhouse}
mkdir -p "$D/tmp" "$D/user_files" "$D/format_schemas"
nohup clickhouse-server --config-file=/etc/clickhouse-server/config.xml -- \
  --path="$D/" --tmp_path="$D/tmp/" --user_files_path="$D/user_files/" --format_schema_path="$D/format_schemas/" \
  --logger.log="$D/log" --logger.errorlog="$D/err" \
  --http_port="$PORT" --tcp_port=19000 --interserver_http_port=19009 >"$D/stdout" 2>&1 &
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$PORT/ping" >/dev/null 2>&1; then echo "clickhouse started on $PORT"; exit 0; fi
  sleep 0.5
done
echo "clickhouse did not start; last log lines:" >&2; tail -20 "$D/err" >&2 || true
exit 1
