// i18n.js - the labels of the web map in English, Chinese and Russian, and
// the choice of a place's name in the current language.
export const LABELS = {
  en: {
    subtitle: 'China – Central Asia – Europe freight routes', from: 'From', to: 'To',
    clickHint: 'Or click two places on the map.', objective: 'Objective', time: 'fastest', cost: 'cheapest',
    co2: 'lowest CO2e', pareto: 'all trade-offs (Pareto)', modes: 'Modes', rail: 'rail', road: 'road', sea: 'sea',
    air: 'air', avoidCountries: 'Avoid countries', year: 'Year', cargo: 'Cargo unit', tonnes: 'tonnes',
    quantity: 'Quantity', go: 'Find route', options: 'Options: time against cost (colour: CO2e)',
    timeline: 'Timeline (days)', legs: 'Legs', transfers: 'Transfers', crossings: 'Border crossings',
    documents: 'Documents and customs', doc_issued: 'issued', doc_reissued: 'reissued', doc_closed: 'closed',
    doc_tir_opened: 'TIR opened', doc_tir_closed: 'TIR closed', doc_permit: 'permit', doc_formality: 'check',
    cu_export_clearance: 'export clearance', cu_transit_opened: 'transit opened', cu_transit_closed: 'transit closed',
    cu_import_clearance: 'import clearance', cu_none_internal: 'no customs (internal border)',
    days: 'days', p90: 'P90 (bad case)', onTime: 'on time', reliable: 'most reliable', usd: 'USD', tco2e: 't CO2e', km: 'km', h: 'h', none: 'none', searching: 'Searching…',
    routeOf: (i, n) => `option ${i} of ${n}`, gauge_change: 'gauge change', mode_change: 'mode change',
    dwell: 'dwell', planned: 'planned', legend: 'Legend', borderCrossing: 'border crossing',
    gaugeChange: 'gauge change', needBoth: 'Choose an origin and a destination.', costAxis: 'cost (USD)',
    timeAxis: 'time (days)', loadingMap: 'Loading the map…', noSuggestions: 'no match', swap: 'swap',
    timetable: 'Timetable', readyAt: 'Ready at', arriveBy: 'Arrive by', window: 'Window', windowNone: 'none',
    d3: '3 days', d7: '7 days', d14: '14 days', minTransfer: 'Min. transfer', minutesHint: '90 min',
    timeHint: 'Local times: “ready at” at the origin, “arrive by” at the destination. Empty: a route without timetable.',
    depart: 'Depart', arrive: 'Arrive', wait: 'wait', service: 'service', waiting: 'waiting',
    boardings: (n) => `${n} scheduled service${n === 1 ? '' : 's'}`, departs: 'departs',
    tabRoute: 'Route', tabAnalysis: 'Analysis', tabReach: 'Reach', tabMatrix: 'Matrix', views: 'Views', downloadLabel: 'Download:', anBase: 'Base year (no changes)', anText: 'Scenario text', anRun: 'Show assignment', anChart: 'Corridor totals: TEU/year through each crossing', anCrit: 'Rank critical links', anScenario: 'Scenario', anMapShows: 'Map shows', anFlows: ' flows and utilisation', anDiff: ' difference from the base (TEU/year)', anTitle: 'Freight assignment', anCritTitle: 'Critical links (capacity loss 90%)', anWritten: 'Written here…', anAssigning: 'Assigning…', rcFrom: 'From (place id or name)', rcBudgetIn: 'Budget in', rcBudget: 'Budget', rcRun: 'Show reach', optTime: 'time', optCost: 'cost', rcSearching: 'Searching…', mxFrom: 'From (comma-separated ids or names)', mxRoute: 'Route', mxShow: 'Show', mxHint: 'At most 250 places a side; one search per source.', mxRun: 'Compute matrix', mxComputing: 'Computing…',
    export: 'Export', print: 'Print route sheet', segments: 'Route by segment',
    segmentsHint: 'Consecutive links of one mode, gauge and country form a segment; open one to see its links.',
    kgco2e: 'kg CO2e', fee: 'fee', internalUnion: (u) => `internal ${u} border, no customs clearance`,
    showLinks: (n) => `${n} links`, routeSheet: 'Route sheet', blockedBy: 'Blocked by', didYouMean: 'Did you mean:',
    noSuggestionsFar: 'No place of the network has a similar name; the network covers China, Central Asia, its neighbours and Europe.',
    avoid: 'Avoid', block_modes: 'the chosen modes', block_avoid_countries: 'the avoided countries',
    block_avoid: 'the avoided places or crossings', block_year: 'the year (a planned line would connect)',
    block_max_transfers: 'the transfer limit', block_timing: 'the timing (opening days, hours, seasons or services)',
    block_combined: 'several constraints together', block_unconnected: 'nothing: the places are not connected',
    err_UnknownPlace: (w) => `unknown place${w ? ` in “${w}”` : ''}`, err_NoRoute: 'no route satisfies the query',
    err_BadArgument: 'invalid query', err_LimitExceeded: 'the query exceeded a size or work limit',
    err_InternalError: 'internal error of the server', err_BadResponse: 'the server gave no valid answer',
    err_OutOfMemory: 'the server is out of memory', err_IoError: 'the server cannot read a file', err_BadData: 'the server’s data are invalid',
  },
  zh: {
    subtitle: '中国—中亚—欧洲货运路线', from: '起点', to: '终点', clickHint: '或在地图上点击两个地点。',
    objective: '目标', time: '最快', cost: '最便宜', co2: '最低碳排放', pareto: '所有权衡方案（帕累托）', modes: '运输方式',
    rail: '铁路', road: '公路', sea: '海运', air: '航空', avoidCountries: '避开国家', year: '年份', cargo: '货物单位',
    tonnes: '吨', quantity: '数量', go: '查询路线', options: '方案：时间与成本（颜色：二氧化碳当量）',
    timeline: '时间线（天）', legs: '路段', transfers: '换装', crossings: '过境口岸', days: '天', p90: 'P90（较差情况）', onTime: '准时概率', reliable: '最可靠', usd: '美元',
    documents: '运输单证与海关', doc_issued: '签发', doc_reissued: '重新签发', doc_closed: '关闭', doc_permit: '许可证',
    cu_export_clearance: '出口清关', cu_transit_opened: '开始过境', cu_transit_closed: '结束过境', cu_import_clearance: '进口清关',
    cu_none_internal: '无海关（联盟内部边境）',
    tco2e: '吨 CO2e', km: '公里', h: '小时', none: '无', searching: '正在查询…',
    routeOf: (i, n) => `方案 ${i} / ${n}`, gauge_change: '换轨', mode_change: '换装（运输方式）', dwell: '停留',
    planned: '规划中', legend: '图例', borderCrossing: '过境口岸', gaugeChange: '换轨站',
    needBoth: '请选择起点和终点。', costAxis: '成本（美元）', timeAxis: '时间（天）', loadingMap: '正在加载地图…',
    noSuggestions: '无匹配', swap: '互换',
    timetable: '时刻表', readyAt: '货物就绪时间', arriveBy: '最晚到达', window: '时间窗口', windowNone: '无',
    d3: '3 天', d7: '7 天', d14: '14 天', minTransfer: '最短换乘', minutesHint: '90 分钟',
    timeHint: '当地时间：就绪时间按起点，最晚到达按终点。留空则不按时刻表查询。',
    depart: '出发', arrive: '到达', wait: '等待', service: '班列', waiting: '等待',
    boardings: (n) => `${n} 趟定期班列`, departs: '出发',
    tabRoute: '路线', tabAnalysis: '分析', tabReach: '可达范围', tabMatrix: '矩阵', views: '视图', downloadLabel: '下载：', anBase: '基准年（无变化）', anText: '情景文本', anRun: '显示分配结果', anChart: '走廊合计：各口岸每年通过的标箱', anCrit: '排列关键路段', anScenario: '情景', anMapShows: '地图显示', anFlows: ' 流量和利用率', anDiff: ' 与基准的差异（标箱/年）', anTitle: '货运分配', anCritTitle: '关键路段（通行能力损失 90%）', anWritten: '在此编写…', anAssigning: '正在分配…', rcFrom: '起点（地点代码或名称）', rcBudgetIn: '预算单位', rcBudget: '预算', rcRun: '显示可达范围', optTime: '时间', optCost: '成本', rcSearching: '正在搜索…', mxFrom: '起点（逗号分隔的代码或名称）', mxRoute: '路线', mxShow: '显示', mxHint: '每侧最多 250 个地点；每个起点一次搜索。', mxRun: '计算矩阵', mxComputing: '正在计算…',
    export: '导出', print: '打印路线单', segments: '分段路线', segmentsHint: '同一运输方式、轨距和国家的连续路段合为一段；展开可查看各路段。',
    kgco2e: '千克 CO2e', fee: '费用', internalUnion: (u) => `${u} 内部边境，无需清关`, showLinks: (n) => `${n} 个路段`,
    routeSheet: '路线单', blockedBy: '受限于', didYouMean: '您是否要找：',
    noSuggestionsFar: '网络中没有名称相近的地点；网络覆盖中国、中亚及其邻国和欧洲。',
    avoid: '避开', block_modes: '所选运输方式', block_avoid_countries: '避开的国家', block_avoid: '避开的地点或口岸',
    block_year: '年份（规划中的线路可连通）', block_max_transfers: '换装次数上限', block_timing: '时间（开放日、时段、季节或班列）',
    block_combined: '多个条件共同作用', block_unconnected: '无：两地在网络中不连通',
    err_UnknownPlace: (w) => `未知地点${w ? `（${w}）` : ''}`, err_NoRoute: '没有满足条件的路线', err_BadArgument: '查询参数无效',
    err_LimitExceeded: '查询超出规模或计算量上限', err_InternalError: '服务器内部错误', err_BadResponse: '服务器未返回有效应答',
    err_OutOfMemory: '服务器内存不足', err_IoError: '服务器无法读取文件', err_BadData: '服务器数据无效',
  },
  ru: {
    subtitle: 'Грузовые маршруты Китай – Центральная Азия – Европа', from: 'Откуда', to: 'Куда',
    clickHint: 'Или щёлкните два пункта на карте.', objective: 'Критерий', time: 'быстрее всего', cost: 'дешевле всего',
    co2: 'меньше всего CO2e', pareto: 'все компромиссы (Парето)', modes: 'Виды транспорта', rail: 'ж/д',
    road: 'авто', sea: 'море', air: 'авиа', avoidCountries: 'Избегать стран', year: 'Год', cargo: 'Единица груза',
    tonnes: 'тонны', quantity: 'Количество', go: 'Найти маршрут', options: 'Варианты: время и стоимость (цвет: CO2e)',
    timeline: 'График (дни)', legs: 'Участки', transfers: 'Перевалки', crossings: 'Погранпереходы', days: 'дн.', p90: 'P90 (плохой случай)', onTime: 'вовремя', reliable: 'надёжнее всего',
    documents: 'Документы и таможня', doc_issued: 'оформлена', doc_reissued: 'переоформлена', doc_closed: 'закрыта',
    doc_permit: 'разрешение', cu_export_clearance: 'экспортное оформление', cu_transit_opened: 'открыт транзит',
    cu_transit_closed: 'закрыт транзит', cu_import_clearance: 'импортное оформление',
    cu_none_internal: 'без таможни (внутренняя граница)',
    usd: 'долл.', tco2e: 't CO2e', km: 'км', h: 'ч', none: 'нет', searching: 'Поиск…',
    routeOf: (i, n) => `вариант ${i} из ${n}`, gauge_change: 'смена колеи', mode_change: 'смена вида транспорта',
    dwell: 'простой', planned: 'в проекте', legend: 'Легенда', borderCrossing: 'погранпереход',
    gaugeChange: 'смена колеи', needBoth: 'Выберите пункт отправления и назначения.', costAxis: 'стоимость (USD)',
    timeAxis: 'время (дни)', loadingMap: 'Загрузка карты…', noSuggestions: 'нет совпадений', swap: 'поменять',
    timetable: 'Расписание', readyAt: 'Готов к отправке', arriveBy: 'Прибыть до', window: 'Окно', windowNone: 'нет',
    d3: '3 дня', d7: '7 дней', d14: '14 дней', minTransfer: 'Мин. пересадка', minutesHint: '90 мин',
    timeHint: 'Местное время: готовность — в пункте отправления, «прибыть до» — в пункте назначения. Пусто — маршрут без расписания.',
    depart: 'Отправление', arrive: 'Прибытие', wait: 'ожидание', service: 'рейс', waiting: 'ожидание',
    boardings: (n) => `регулярных рейсов: ${n}`, departs: 'отпр.',
    tabRoute: 'Маршрут', tabAnalysis: 'Анализ', tabReach: 'Досягаемость', tabMatrix: 'Матрица', views: 'Виды', downloadLabel: 'Скачать:', anBase: 'Базовый год (без изменений)', anText: 'Текст сценария', anRun: 'Показать распределение', anChart: 'Итоги по коридорам: ДФЭ в год через каждый переход', anCrit: 'Ранжировать критические участки', anScenario: 'Сценарий', anMapShows: 'На карте', anFlows: ' потоки и загрузка', anDiff: ' отличие от базового (ДФЭ в год)', anTitle: 'Распределение грузопотоков', anCritTitle: 'Критические участки (потеря пропускной способности 90 %)', anWritten: 'Написать здесь…', anAssigning: 'Распределение…', rcFrom: 'Откуда (код или название пункта)', rcBudgetIn: 'Бюджет в', rcBudget: 'Бюджет', rcRun: 'Показать досягаемость', optTime: 'время', optCost: 'стоимость', rcSearching: 'Поиск…', mxFrom: 'Откуда (коды или названия через запятую)', mxRoute: 'Маршрут', mxShow: 'Показать', mxHint: 'Не более 250 пунктов с каждой стороны; один поиск на пункт отправления.', mxRun: 'Рассчитать матрицу', mxComputing: 'Расчёт…',
    export: 'Экспорт', print: 'Печать маршрутного листа', segments: 'Маршрут по участкам',
    segmentsHint: 'Подряд идущие перегоны одного вида транспорта, колеи и страны образуют участок; раскройте, чтобы увидеть перегоны.',
    kgco2e: 'кг CO2e', fee: 'сбор', internalUnion: (u) => `внутренняя граница ${u}, без таможенного оформления`,
    showLinks: (n) => `перегонов: ${n}`, routeSheet: 'Маршрутный лист', blockedBy: 'Мешает', didYouMean: 'Возможно, вы имели в виду:',
    noSuggestionsFar: 'В сети нет пункта с похожим названием; сеть охватывает Китай, Центральную Азию, соседние страны и Европу.',
    avoid: 'Избегать', block_modes: 'выбранные виды транспорта', block_avoid_countries: 'исключённые страны',
    block_avoid: 'исключённые пункты или переходы', block_year: 'год (проектируемая линия соединила бы)',
    block_max_transfers: 'лимит перевалок', block_timing: 'время (дни и часы работы, сезоны, рейсы)',
    block_combined: 'несколько условий вместе', block_unconnected: 'ничего: пункты не связаны в сети',
    err_UnknownPlace: (w) => `неизвестный пункт${w ? ` в поле «${w}»` : ''}`, err_NoRoute: 'нет маршрута, удовлетворяющего запросу',
    err_BadArgument: 'неверный запрос', err_LimitExceeded: 'запрос превысил лимит размера или объёма вычислений',
    err_InternalError: 'внутренняя ошибка сервера', err_BadResponse: 'сервер не дал корректного ответа',
    err_OutOfMemory: 'у сервера не хватает памяти', err_IoError: 'сервер не может прочитать файл', err_BadData: 'данные сервера неверны',
  },
};

let lang = 'en';
export const getLang = () => lang;
export const setLang = (l) => { lang = LABELS[l] ? l : 'en'; };
export function t(key, ...args) {
  const v = LABELS[lang][key] ?? LABELS.en[key] ?? key;
  return typeof v === 'function' ? v(...args) : v;
}
// A place object from the API ({name, name_zh, name_ru}) in the current
// language, falling back to English where a translation is missing.
export function placeName(p) {
  if (!p) return '';
  const en = p.name ?? p.name_en ?? p.id;
  if (lang === 'zh' && p.name_zh) return p.name_zh;
  if (lang === 'ru' && p.name_ru) return p.name_ru;
  return en;
}
