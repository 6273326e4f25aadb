# Build and install feedd. `make install PREFIX=/usr DESTDIR=/tmp/pkg` stages a package tree.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(DESTDIR)$(PREFIX)/bin
UNITDIR ?= /etc/systemd/system
CONFDIR ?= /etc/feedd

.PHONY: all install uninstall

all:
	./scripts/setup.sh
	swift build -c release --product feedd
	swift build -c release --product feedctl

install: all
	install -d $(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(CONFDIR)
	install -m 755 .build/release/feedd .build/release/feedctl $(BINDIR)/
	sed 's|/usr/local/bin/feedd|$(PREFIX)/bin/feedd|' systemd/feedd.service > $(DESTDIR)$(UNITDIR)/feedd.service
	chmod 644 $(DESTDIR)$(UNITDIR)/feedd.service
	# The example configuration, unless one is already there: a person's edits are never overwritten.
	test -e $(DESTDIR)$(CONFDIR)/config.yaml || install -m 644 config/feedd.yaml $(DESTDIR)$(CONFDIR)/config.yaml

uninstall:
	rm -f $(BINDIR)/feedd $(BINDIR)/feedctl $(DESTDIR)$(UNITDIR)/feedd.service
