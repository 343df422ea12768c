/*
 * gauge.c - the carrier classes of a network.  Road, sea and air are one
 * class each; rail has one class per track gauge.  rail1435 and rail1520
 * keep their fixed numbers (SR_CLASS_RAIL1435, SR_CLASS_RAIL1520) so that
 * the public enum stays stable; every further gauge a dataset's links use
 * (Spain's 1668 mm, say) gets the next free number when the loader first
 * meets it.  The loader, router, freight assignment and services all map
 * gauges and class names through this table, so that no gauge is a special
 * case: a gauge change is simply a transfer between two rail classes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "network/network.h"

void sr__classes_init(sr_network *net)
{
    static const uint16_t gauge[SR_CLASS_COUNT] = {1435, 1520, 0, 0, 0};
    memset(net->class_gauge, 0, sizeof net->class_gauge);
    memset(net->class_name, 0, sizeof net->class_name);
    for (int c = 0; c < SR_CLASS_COUNT; c++) {
        net->class_gauge[c] = gauge[c];
        snprintf(net->class_name[c], sizeof net->class_name[c], "%s", sr_class_name((sr_class)c));
    }
    net->n_classes = SR_CLASS_COUNT;
}

int sr__gauge_class(sr_network *net, unsigned gauge_mm, int add)
{
    if (gauge_mm == 0 || gauge_mm > 9999)
        return -1;
    for (uint32_t c = 0; c < net->n_classes; c++)
        if (net->class_gauge[c] == gauge_mm)
            return (int)c;
    if (!add || net->n_classes >= SR_CLASS_MAX)
        return -1;
    uint32_t c = net->n_classes++;
    net->class_gauge[c] = (uint16_t)gauge_mm;
    snprintf(net->class_name[c], sizeof net->class_name[c], "rail%u", gauge_mm);
    return (int)c;
}

int sr__class_of_gauge(const sr_network *net, unsigned gauge_mm)
{
    for (uint32_t c = 0; c < net->n_classes; c++)
        if (gauge_mm && net->class_gauge[c] == gauge_mm)
            return (int)c;
    return -1;
}

int sr__class_parse_net(const sr_network *net, const char *s)
{
    if (!s)
        return -1;
    for (uint32_t c = 0; c < net->n_classes; c++)
        if (!strcmp(net->class_name[c], s))
            return (int)c;
    return -1;
}

size_t sr_network_class_count(const sr_network *net) { return net ? net->n_classes : 0; }

const char *sr_network_class_name(const sr_network *net, sr_class c)
{
    return net && (unsigned)c < net->n_classes ? net->class_name[c] : "?";
}

unsigned sr_network_class_gauge(const sr_network *net, sr_class c)
{
    return net && (unsigned)c < net->n_classes ? net->class_gauge[c] : 0;
}
