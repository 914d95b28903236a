{#- Bin (shelf) label, 2x1 in: the bin code, large, and as Code 128 for the pickers' scanners. -#}
^XA
^CI28
^PW{{ g.width }}
^LL{{ g.height }}
^LH0,0
^FO{{ d(10) }},{{ d(12) }}^A0N,{{ d(60) }},{{ d(56) }}^FB{{ d(386) }},1,0,C^FH_^FD{{ code | zpl }}^FS
^FO{{ d(40) }},{{ d(86) }}^BY{{ d(2) }},3,{{ d(90) }}^BCN,{{ d(90) }},N,N,N^FH_^FD{{ code | zpl }}^FS
^PQ{{ copies }}
^XZ
