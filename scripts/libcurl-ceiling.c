// The ceiling of Outreach's delivery design, for `scripts/bench-libcurl`: plain C sending N
// messages of SIZE bytes to an SMTP server with libcurl, set up as CurlSMTPTransport sets it up
// (STARTTLS when offered, no proxy, VERBOSE with a debug callback, a header callback), one
// recipient per transaction, the connection kept between messages.
//
//   libcurl-ceiling threads|multi N PORT SIZE
//
// threads: 4 threads, each with one easy handle and curl_easy_perform (Outreach's design: one
//          worker thread per connection, without any of its own work between messages);
// multi:   one thread driving 4 easy handles with the multi interface.
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SESSIONS = 4 };
static char *message;
static size_t message_length;
static int total;
static char url[128];
static struct curl_slist *recipients;

typedef struct { size_t offset; } body;

static size_t read_body(char *buffer, size_t size, size_t count, void *userdata) {
    body *b = userdata;
    size_t n = message_length - b->offset;
    if (n > size * count) n = size * count;
    memcpy(buffer, message + b->offset, n);
    b->offset += n;
    return n;
}
static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *userdata) { return 0; }
static size_t on_header(char *buffer, size_t size, size_t count, void *userdata) { return size * count; }

static void set_up(CURL *h, body *b) {
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, "<bench@example.org>");
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(h, CURLOPT_READDATA, b);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)message_length);
}

static void *session(void *index) {
    CURL *h = curl_easy_init();
    body b;
    set_up(h, &b);
    int mine = total / SESSIONS + ((long)index < total % SESSIONS ? 1 : 0);
    for (int i = 0; i < mine; i++) {
        b.offset = 0;
        CURLcode code = curl_easy_perform(h);
        if (code != CURLE_OK) { fprintf(stderr, "libcurl: %s\n", curl_easy_strerror(code)); exit(1); }
    }
    curl_easy_cleanup(h);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: %s threads|multi N PORT SIZE\n", argv[0]); return 2; }
    total = atoi(argv[2]);
    snprintf(url, sizeof url, "smtp://127.0.0.1:%d/bench.example.org", atoi(argv[3]));
    message_length = (size_t)atoi(argv[4]);
    message = malloc(message_length);
    for (size_t i = 0; i < message_length; i++)  // 76-character lines, as base64 parts have
        message[i] = i % 78 == 76 ? '\r' : i % 78 == 77 ? '\n' : (char)('A' + i % 26);
    curl_global_init(CURL_GLOBAL_ALL);
    recipients = curl_slist_append(NULL, "<sink@example.net>");

    if (strcmp(argv[1], "threads") == 0) {
        pthread_t threads[SESSIONS];
        for (int i = 0; i < SESSIONS; i++) pthread_create(&threads[i], NULL, session, (void *)(long)i);
        for (int i = 0; i < SESSIONS; i++) pthread_join(threads[i], NULL);
        return 0;
    }
    CURLM *multi = curl_multi_init();
    CURL *handles[SESSIONS];
    body bodies[SESSIONS];
    int started = 0, done = 0, running = 0;
    for (int i = 0; i < SESSIONS; i++) {
        handles[i] = curl_easy_init();
        set_up(handles[i], &bodies[i]);
        bodies[i].offset = 0;
        curl_easy_setopt(handles[i], CURLOPT_PRIVATE, (void *)&bodies[i]);
        curl_multi_add_handle(multi, handles[i]);
        started++;
    }
    while (done < total) {
        curl_multi_perform(multi, &running);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(multi, &left)) != NULL) {
            if (m->msg != CURLMSG_DONE) continue;
            if (m->data.result != CURLE_OK) { fprintf(stderr, "libcurl: %s\n", curl_easy_strerror(m->data.result)); return 1; }
            CURL *h = m->easy_handle;
            body *b;
            curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&b);
            done++;
            curl_multi_remove_handle(multi, h);
            if (started < total) { b->offset = 0; curl_multi_add_handle(multi, h); started++; }
        }
        if (done < total) curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    return 0;
}
