/*
 * The URLs of a site's services: an http(s) URL checked and split into the
 * host and port of an endpoint. Paths are kept; queries are refused.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "backend/config_int.h"
#include "backend/xalloc.h"

const char config_url_credentials[] = "credentials in the URL";

/* The host of a URL, up to ':' or the end of the authority; NULL if bad. */
static const char *url_host(const char *h, const char *end,
                            struct mc_endpoint *ep)
{
    const char *after, *s, *ok = "-._";

    if (*h == '[') { /* an IPv6 address */
        after = memchr(h, ']', (size_t)(end - h));
        if (after == NULL)
            return NULL;
        h++;
        ok = ":.";
    } else {
        after = h + strcspn(h, ":/");
    }
    if (after == h)
        return NULL;
    for (s = h; s < after; s++)
        if (!(*ok == ':' ? isxdigit((unsigned char)*s)
                         : isalnum((unsigned char)*s)) &&
            strchr(ok, *s) == NULL)
            return NULL;
    ep->host = xstrndup(h, (size_t)(after - h));
    return *after == ']' ? after + 1 : after;
}

/* Check the host and port part of a URL; NULL or what is wrong with it. */
static const char *url_authority(const char *h, const char *end,
                                 struct mc_endpoint *ep)
{
    const char *after, *s;
    long port = 0;

    if (memchr(h, '@', (size_t)(end - h)) != NULL)
        return config_url_credentials;
    if (h == end)
        return "no host name in the URL";
    after = url_host(h, end, ep);
    if (after == NULL || (after < end && *after != ':'))
        return "bad host name in the URL";
    if (after == end)
        return NULL;
    for (s = after + 1; s < end && isdigit((unsigned char)*s) && port < 65536;
         s++)
        port = port * 10 + (*s - '0');
    if (s == after + 1 || s != end || port < 1 || port > 65535)
        return "bad port in the URL (expected 1 to 65535)";
    ep->port = (int)port;
    return NULL;
}

const char *config_url_parse(const char *v, struct mc_endpoint *ep)
{
    const char *h, *end, *why;
    size_t len;

    ep->tls = strncasecmp(v, "https://", 8) == 0;
    if (ep->tls)
        h = v + 8;
    else if (strncasecmp(v, "http://", 7) == 0)
        h = v + 7;
    else
        return "expected an http:// or https:// URL";
    if (config_has_space_or_control(v))
        return "spaces are not allowed in the URL";
    if (strpbrk(v, "?#") != NULL)
        return "a query or fragment ('?', '#') is not allowed in the URL";
    end = h + strcspn(h, "/");
    ep->port = ep->tls ? 443 : 80;
    why = url_authority(h, end, ep);
    if (why != NULL)
        return why;
    len = strlen(v);
    while (len > (size_t)(end - v) && v[len - 1] == '/')
        len--;
    ep->url = xstrndup(v, len);
    return NULL;
}
