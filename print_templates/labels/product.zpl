{#- Product label, 2x1 in: name, SKU, price and the EAN-13 (^BE) or Code 128 (^BC). -#}
^XA
^CI28
^PW{{ g.width }}
^LL{{ g.height }}
^LH0,0
^FO{{ d(14) }},{{ d(10) }}^A0N,{{ d(22) }},{{ d(20) }}^FB{{ d(378) }},2,0,L^FH_^FD{{ name | zpl }}^FS
^FO{{ d(14) }},{{ d(58) }}^A0N,{{ d(18) }},{{ d(18) }}^FH_^FD{{ sku | zpl }}^FS
^FO{{ d(250) }},{{ d(54) }}^A0N,{{ d(26) }},{{ d(24) }}^FB{{ d(142) }},1,0,R^FH_^FD{{ price | zpl }}^FS
{% if ean12 %}
^FO{{ d(50) }},{{ d(86) }}^BY{{ d(2) }},3,{{ d(80) }}^BEN,{{ d(80) }},Y,N^FD{{ ean12 }}^FS
{% elif barcode %}
^FO{{ d(24) }},{{ d(86) }}^BY{{ d(2) }},3,{{ d(80) }}^BCN,{{ d(80) }},Y,N,N^FH_^FD{{ barcode | zpl }}^FS
{% endif %}
^PQ{{ copies }}
^XZ
