#ifndef FEEDD_CLIBXML2_SHIM_H
#define FEEDD_CLIBXML2_SHIM_H

/* Debian builds libxml2 with ICU, and its headers then pull in the system's ICU headers, which clash with the
   copy Foundation carries (_FoundationICU). feedd never touches libxml2's ICU converters, and the only structure
   that changes (xmlCharEncodingHandler, fields at its end) is used through pointers, so hide ICU here. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/entities.h>
#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>

#endif
