{#- Shipping label, 4x6 in. Positions are designed in 203-dpi dots; d() scales them. -#}
^XA
^CI28
^PW{{ g.width }}
^LL{{ g.height }}
^LH0,0
^FO{{ d(30) }},{{ d(30) }}^A0N,{{ d(24) }},{{ d(24) }}^FH_^FD{{ _("From") | zpl }}: {{ sender.name | zpl }}^FS
{% for line in sender.address_lines[:3] %}
^FO{{ d(30) }},{{ d(60 + loop.index0 * 28) }}^A0N,{{ d(22) }},{{ d(22) }}^FH_^FD{{ line | zpl }}^FS
{% endfor %}
^FO{{ d(20) }},{{ d(150) }}^GB{{ d(772) }},{{ d(3) }},{{ d(3) }}^FS
^FO{{ d(30) }},{{ d(170) }}^A0N,{{ d(26) }},{{ d(26) }}^FH_^FD{{ _("Ship to") | zpl }}:^FS
^FO{{ d(30) }},{{ d(210) }}^A0N,{{ d(50) }},{{ d(46) }}^FB{{ d(752) }},1,0,L^FH_^FD{{ to.name | zpl }}^FS
{% set rows = [to.company, to.line1, to.line2] | select | list %}
{% for row in rows %}
^FO{{ d(30) }},{{ d(270 + loop.index0 * 44) }}^A0N,{{ d(40) }},{{ d(38) }}^FB{{ d(752) }},1,0,L^FH_^FD{{ row | zpl }}^FS
{% endfor %}
^FO{{ d(30) }},{{ d(270 + rows | length * 44) }}^A0N,{{ d(50) }},{{ d(46) }}^FB{{ d(752) }},1,0,L^FH_^FD{{ to.postal_code | zpl }} {{ to.city | upper | zpl }}^FS
^FO{{ d(30) }},{{ d(330 + rows | length * 44) }}^A0N,{{ d(40) }},{{ d(38) }}^FH_^FD{{ to.country | zpl }}{% if to.phone %}  {{ to.phone | zpl }}{% endif %}^FS
^FO{{ d(20) }},{{ d(520) }}^GB{{ d(772) }},{{ d(3) }},{{ d(3) }}^FS
^FO{{ d(30) }},{{ d(540) }}^A0N,{{ d(30) }},{{ d(30) }}^FH_^FD{{ carrier | upper | zpl }}{% if service %} - {{ service | zpl }}{% endif %}^FS
^FO{{ d(560) }},{{ d(540) }}^A0N,{{ d(30) }},{{ d(30) }}^FH_^FD{{ weight | zpl }}^FS
^FO{{ d(60) }},{{ d(600) }}^BY{{ d(3) }},3,{{ d(150) }}^BCN,{{ d(150) }},Y,N,N^FH_^FD{{ order_number | zpl }}^FS
{% if tracking_number %}
^FO{{ d(20) }},{{ d(820) }}^GB{{ d(772) }},{{ d(3) }},{{ d(3) }}^FS
^FO{{ d(30) }},{{ d(840) }}^A0N,{{ d(26) }},{{ d(26) }}^FH_^FD{{ _("Tracking number") | zpl }}^FS
^FO{{ d(60) }},{{ d(880) }}^BY{{ d(3) }},3,{{ d(180) }}^BCN,{{ d(180) }},Y,N,N^FH_^FD{{ tracking_number | zpl }}^FS
{% endif %}
^FO{{ d(30) }},{{ d(1150) }}^A0N,{{ d(22) }},{{ d(22) }}^FH_^FD{{ _("Order") | zpl }} {{ order_number | zpl }}  {{ ngettext("%(num)s item", "%(num)s items", items, num=items) | zpl }}^FS
^PQ1
^XZ
