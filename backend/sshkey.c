/* Host key checks and identity files shared by the bastion and sessions. */
#include "backend/sshkey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/worker.h"
#include "backend/xalloc.h"

int sshkey_describe(ssh_session s, const char *host, int port,
                    struct bastion_hostkey *k)
{
    ssh_key key = NULL;
    unsigned char *hash = NULL;
    size_t hlen = 0;
    char *fp = NULL;
    char *kh = NULL;
    int rc = -1;

    memset(k, 0, sizeof *k);
    snprintf(k->host, sizeof k->host, "%s", host);
    k->port = port;
    if (ssh_options_get(s, SSH_OPTIONS_KNOWNHOSTS, &kh) == SSH_OK) {
        snprintf(k->known_hosts, sizeof k->known_hosts, "%s", kh);
        ssh_string_free_char(kh);
    }
    if (ssh_get_server_publickey(s, &key) != SSH_OK)
        goto out;
    snprintf(k->type, sizeof k->type, "%s",
             ssh_key_type_to_char(ssh_key_type(key)));
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) <
        0)
        goto out;
    fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
    if (fp == NULL)
        goto out;
    snprintf(k->fingerprint, sizeof k->fingerprint, "%s", fp);
    rc = 0;
out:
    ssh_string_free_char(fp);
    ssh_clean_pubkey_hash(&hash);
    ssh_key_free(key);
    return rc;
}

enum sshkey_verdict sshkey_check(ssh_session s, const char *host, int port,
                                 struct bastion_hostkey *k, char *msg,
                                 size_t size)
{
    msg[0] = '\0';
    sshkey_describe(s, host, port, k);
    switch (ssh_session_is_known_server(s)) {
    case SSH_KNOWN_HOSTS_OK:
        return SSHKEY_KNOWN;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
        snprintf(msg, size,
                 "REFUSED: the host key of %.100s:%d has CHANGED (now %s %s); "
                 "if that is expected, remove the old key from %.200s",
                 k->host, k->port, k->type, k->fingerprint, k->known_hosts);
        return SSHKEY_REFUSED;
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
        return SSHKEY_UNKNOWN;
    case SSH_KNOWN_HOSTS_ERROR:
    default:
        snprintf(msg, size, "known hosts: %s", ssh_get_error(s));
        return SSHKEY_REFUSED;
    }
}

/* ---- identity files ---- */

struct sshkey_load {
    char *path;
    ssh_key key;
    int rc;
    sshkey_loaded done; /* NULL once cancelled */
    void *arg;
};

static void sshkey_load_run(void *arg)
{
    struct sshkey_load *l = arg;

    /* No passphrase prompt here: encrypted keys belong in ssh-agent. */
    l->rc = ssh_pki_import_privkey_file(l->path, NULL, NULL, NULL, &l->key);
}

static void sshkey_load_done(void *arg)
{
    struct sshkey_load *l = arg;
    char msg[1024];

    if (l->done != NULL && l->rc == SSH_OK) {
        l->done(l->arg, l->key, NULL);
        l->key = NULL; /* the caller owns it now */
    } else if (l->done != NULL) {
        snprintf(msg, sizeof msg,
                 "cannot read the identity file %s (an encrypted key must be "
                 "loaded into ssh-agent)",
                 l->path);
        l->done(l->arg, NULL, msg);
    }
    ssh_key_free(l->key);
    free(l->path);
    free(l);
}

struct sshkey_load *sshkey_load(struct worker *w, const char *path,
                                sshkey_loaded done, void *arg)
{
    struct sshkey_load *l = xcalloc(1, sizeof *l);

    l->path = xstrdup(path);
    l->done = done;
    l->arg = arg;
    worker_submit(w, sshkey_load_run, sshkey_load_done, l, 0);
    return l;
}

void sshkey_load_cancel(struct sshkey_load *l)
{
    if (l != NULL)
        l->done = NULL;
}
