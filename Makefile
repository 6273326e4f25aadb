# Build and install feedd. `make install PREFIX=/usr DESTDIR=/tmp/pkg` stages a package tree.
PREFIX ?= /usr/local
DESTDIR ?=
# release for installing; `make install-check` uses the debug build the tests already made.
CONFIGURATION ?= release
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
UNITDIR ?= /etc/systemd/system
CONFDIR ?= /etc/feedd
BUILT = .build/$(CONFIGURATION)
# Release builds carry the Swift runtime and Foundation inside the binaries: installed on a server they
# need only libcurl, libxml2 and libsqlite3 (no Swift toolchain), and start about 6 ms sooner.
STATIC_release = --static-swift-stdlib
BUILDFLAGS = -c $(CONFIGURATION) $(STATIC_$(CONFIGURATION))
DOCS = .build/docs

.PHONY: all docs install uninstall install-check

all:
	./scripts/setup.sh
	swift build $(BUILDFLAGS) --product feedd
	swift build $(BUILDFLAGS) --product feedctl

# Manual pages and shell completions, generated from the command definitions (swift-argument-parser's
# generate-manual tool, and the binaries' own --generate-completion-script).
docs: all
	swift build --product generate-manual
	rm -rf $(DOCS) && mkdir -p $(DOCS)/man $(DOCS)/completions
	.build/debug/generate-manual $(BUILT)/feedctl --authors "feedd developers" --output-directory $(DOCS)/man
	.build/debug/generate-manual $(BUILT)/feedd --authors "feedd developers" --output-directory $(DOCS)/man
	$(BUILT)/feedctl --generate-completion-script bash > $(DOCS)/completions/feedctl.bash
	$(BUILT)/feedctl --generate-completion-script zsh > $(DOCS)/completions/_feedctl
	$(BUILT)/feedctl --generate-completion-script fish > $(DOCS)/completions/feedctl.fish

install: all docs
	install -d $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(CONFDIR)
	install -m 755 -s $(BUILT)/feedd $(BUILT)/feedctl $(BINDIR)/
	install -m 644 $(DOCS)/man/feedd.1 $(DOCS)/man/feedctl.1 $(MANDIR)/
	install -m 644 $(DOCS)/completions/feedctl.bash $(BASHDIR)/feedctl
	install -m 644 $(DOCS)/completions/_feedctl $(ZSHDIR)/_feedctl
	install -m 644 $(DOCS)/completions/feedctl.fish $(FISHDIR)/feedctl.fish
	sed 's|/usr/local/bin/feedd|$(PREFIX)/bin/feedd|' systemd/feedd.service > $(DESTDIR)$(UNITDIR)/feedd.service
	chmod 644 $(DESTDIR)$(UNITDIR)/feedd.service
	install -m 644 systemd/feedd.socket systemd/feedd-api.service $(DESTDIR)$(UNITDIR)/
	# The example configuration, unless one is already there: a person's edits are never overwritten.
	test -e $(DESTDIR)$(CONFDIR)/config.yaml || install -m 644 config/feedd.yaml $(DESTDIR)$(CONFDIR)/config.yaml

uninstall:
	rm -f $(BINDIR)/feedd $(BINDIR)/feedctl $(DESTDIR)$(UNITDIR)/feedd.service $(MANDIR)/feedd.1 $(MANDIR)/feedctl.1
	rm -f $(DESTDIR)$(UNITDIR)/feedd.socket $(DESTDIR)$(UNITDIR)/feedd-api.service
	rm -f $(BASHDIR)/feedctl $(ZSHDIR)/_feedctl $(FISHDIR)/feedctl.fish

# Stages an install of the debug build and checks that every file is there and well formed.
install-check:
	rm -rf .build/staged
	$(MAKE) install CONFIGURATION=debug PREFIX=/usr DESTDIR=$(CURDIR)/.build/staged
	./scripts/check-install.sh .build/staged
