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
