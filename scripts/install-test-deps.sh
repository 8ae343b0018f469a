#!/usr/bin/env bash
# Installs what `make test` needs beyond Go itself. Safe to run repeatedly.
set -uo pipefail
command -v go >/dev/null || export PATH=$PATH:/usr/local/go/bin
go mod download
rc=$?

# Debian's chromium, for the HTML report's headless-browser test
# (report/html_fixture_test.go: TestHTMLBrowser). Best effort: a failure here
# does not stop the script; the test skips only where chromium cannot be
# installed (not root, or no apt-get).
if [ ! -x /usr/bin/chromium ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "install-test-deps: installing chromium for the HTML report's browser test" >&2
		if ! { DEBIAN_FRONTEND=noninteractive apt-get -qq update &&
			DEBIAN_FRONTEND=noninteractive apt-get -qq install -y chromium; }; then
			echo "install-test-deps: could not install chromium; TestHTMLBrowser will fail" >&2
		fi
	else
		echo "install-test-deps: chromium missing and not installable here (needs root and apt-get); TestHTMLBrowser will skip" >&2
	fi
fi

# Debian's ansible, for the Ansible recipe's real run against localhost
# (deploy/ansible_test.go: TestAnsiblePlaybook). Best effort as above: the
# test skips where ansible cannot be installed, except under CI=true.
if ! command -v ansible-playbook >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "install-test-deps: installing ansible for the Ansible recipe's test" >&2
		if ! { DEBIAN_FRONTEND=noninteractive apt-get -qq update &&
			DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends ansible; }; then
			echo "install-test-deps: could not install ansible; TestAnsiblePlaybook will skip" >&2
		fi
	else
		echo "install-test-deps: ansible missing and not installable here (needs root and apt-get); TestAnsiblePlaybook will skip" >&2
	fi
fi
exit "$rc"
