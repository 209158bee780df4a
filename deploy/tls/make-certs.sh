#!/usr/bin/env bash
# Certificates for TLS between the components of docker-compose.yml, under deploy/tls/out/ (gitignored):
#   ca.crt/ca.key                 a private CA, valid 825 days
#   postgres.crt/postgres.key     PostgreSQL's server certificate (DNS: postgres, localhost)
#   kafka.p12                     the Kafka broker's key store (DNS: kafka, localhost), PKCS12
#   truststore.p12                the CA for Java clients (Kafka clients of the services), PKCS12
#   kafka_keystore_creds, kafka_ssl_key_creds, kafka_truststore_creds, truststore.password
#                                 the store password, as files (the apache/kafka image reads them so)
# Needs openssl and keytool (any JDK). Idempotent: an existing CA is kept, so re-running renews leaf certs only.
#   deploy/tls/make-certs.sh [out-dir]
set -euo pipefail
out="${1:-$(cd "$(dirname "$0")" && pwd)/out}"
pass="${HOLON_TLS_STORE_PASSWORD:-holon-tls}"
keytool="${JAVA_HOME:+$JAVA_HOME/bin/}keytool"
command -v "$keytool" >/dev/null || keytool="$(ls -d /usr/lib/jvm/*/bin/keytool | tail -1)"
mkdir -p "$out"; cd "$out"

if [[ ! -s ca.key ]]; then
  openssl req -x509 -newkey rsa:3072 -nodes -days 825 -subj "/CN=Holon compose CA" \
    -keyout ca.key -out ca.crt -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
fi

leaf() { # name, dns names...
  local name="$1"; shift
  local san; san="$(printf 'DNS:%s,' "$@")"; san="${san%,}"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$name.key" -out "$name.csr"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 397 -out "$name.crt" \
    -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$san")
  rm -f "$name.csr"
}
leaf postgres postgres localhost
leaf kafka kafka localhost
openssl pkcs12 -export -in kafka.crt -inkey kafka.key -certfile ca.crt -name kafka -out kafka.p12 -passout "pass:$pass"
rm -f truststore.p12
"$keytool" -importcert -noprompt -alias holon-ca -file ca.crt -keystore truststore.p12 -storetype PKCS12 \
  -storepass "$pass" >/dev/null
for f in kafka_keystore_creds kafka_ssl_key_creds kafka_truststore_creds truststore.password; do
  printf '%s' "$pass" > "$f"
done
# Containers run as other users: certificates and stores readable, the CA key not.
chmod 0644 ./*.crt ./*.p12 ./*creds truststore.password postgres.key kafka.key
chmod 0600 ca.key
echo "certificates in $out"
